//! Passwordless: a one-time code (or a magic link carrying it) sent to an email address or a
//! phone, and the login it opens. One operation to send and one to verify, shared by
//! `/passwordless/start`, the passwordless login page, the magic link and the
//! `…/passwordless/otp` grant.
//!
//! Auth0's rules: only the newest code works and using it voids it; three wrong tries void it;
//! it lives `totp.time_step` seconds (3 minutes by default); blocked users get no codes. A first
//! login creates the user (`email|<24 hex>` or `sms|<24 hex>`) through the registration
//! triggers; pre-user-registration cannot set metadata for passwordless users (Auth0 ignores it,
//! the mock says so in the run's log).

use super::triggers::{after_event, pre_registration_event, run, run_after};
use crate::mock::Mock;
use crate::outbox::{Channel, Message, MessageKind};
use crate::protocol::Trigger;
use crate::store::{OTP_ATTEMPTS, Otp, OtpRefusal, UserError, otp_key};
use crate::tenant::{Connection, PasswordlessChannel, User};
use serde_json::{Map, Value};

/// Sender of passwordless emails when the connection names none.
const DEFAULT_FROM: &str = "no-reply@auth0user.net";

/// What the start request asks to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Send {
    /// A one-time code.
    Code,
    /// A magic link (email only).
    Link,
}

/// One start request.
#[derive(Debug, Clone)]
pub(crate) struct Start {
    pub client_id: String,
    pub connection: String,
    /// The email address or phone number.
    pub recipient: String,
    pub send: Send,
    /// `authParams`: the magic link's `/authorize` parameters.
    pub auth_params: Map<String, Value>,
}

/// Why nothing was sent or no one logged in, with Auth0's `error` codes.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum PasswordlessError {
    /// `bad.connection`: missing, unknown or not passwordless.
    #[error("{0}")]
    BadConnection(String),
    /// `bad.email`.
    #[error("{0}")]
    BadEmail(String),
    /// `bad.phone_number`.
    #[error("{0}")]
    BadPhone(String),
    /// `bad.request`: a combination Auth0 refuses (a link by SMS).
    #[error("{0}")]
    BadRequest(String),
    /// The connection's `disable_signup` and no such user.
    #[error("public signup is disabled")]
    Disabled,
    /// The user is blocked.
    #[error("user is blocked")]
    Blocked,
    /// The code was not accepted.
    #[error("{0:?}")]
    Code(OtpRefusal),
    /// A pre-user-registration hook refused the new user.
    #[error("{reason}")]
    Denied {
        reason: String,
        user_message: Option<String>,
    },
    /// The store could not take the user.
    #[error("{0}")]
    Store(String),
}

/// The passwordless connection `name`, with its channel.
pub(crate) fn passwordless_connection(
    mock: &Mock,
    name: &str,
) -> Result<(Connection, PasswordlessChannel), PasswordlessError> {
    let tenant = mock.tenant();
    let connection = tenant
        .connection(name)
        .ok_or_else(|| PasswordlessError::BadConnection("Connection does not exist".into()))?;
    let channel = connection.passwordless().ok_or_else(|| {
        PasswordlessError::BadConnection(
            "Invalid connection strategy. It must either be a passwordless connection".into(),
        )
    })?;
    Ok((connection.clone(), channel))
}

/// Sends a code or link; the message as it went to the outbox.
pub(crate) fn start(mock: &Mock, req: Start) -> Result<Message, PasswordlessError> {
    let (connection, channel) = passwordless_connection(mock, &req.connection)?;
    let recipient = req.recipient.trim().to_string();
    match channel {
        PasswordlessChannel::Email if !recipient.contains('@') => {
            return Err(PasswordlessError::BadEmail("The email is invalid".into()));
        }
        PasswordlessChannel::Sms if !crate::util::is_e164(&recipient) => {
            return Err(PasswordlessError::BadPhone(
                "String does not match pattern: ^\\+[0-9]{1,15}$".into(),
            ));
        }
        PasswordlessChannel::Sms if req.send == Send::Link => {
            return Err(PasswordlessError::BadRequest(
                "SMS connections send codes only: use send=code".into(),
            ));
        }
        _ => {}
    }
    let existing = mock.store().find_user_in(&recipient, &connection.name);
    match &existing {
        Some(u) if u.blocked => return Err(PasswordlessError::Blocked),
        None if connection.options.disable_signup => return Err(PasswordlessError::Disabled),
        _ => {}
    }
    let code = crate::util::random_digits(connection.options.totp.length);
    let now = mock.clock().now();
    let lifetime = connection.options.totp.time_step;
    let otp = Otp {
        code: code.clone(),
        attempts_left: OTP_ATTEMPTS,
        client_id: req.client_id.clone(),
    };
    mock.store()
        .issue_otp(otp_key(&connection.name, &recipient), otp, now, lifetime);
    let tenant = mock.tenant();
    let minutes = (lifetime + 59) / 60;
    let (kind, link, text) = match req.send {
        Send::Code => (
            MessageKind::PasswordlessCode,
            None,
            format!(
                "Your {} verification code is: {code}\n\nIt expires in {minutes} minute(s).",
                tenant.friendly_name
            ),
        ),
        Send::Link => {
            let link = magic_link(mock, &req, &connection.name, &code);
            let text = format!(
                "Follow this link to log in to {}:\n\n{link}\n\nIt expires in {minutes} minute(s).",
                tenant.friendly_name
            );
            (MessageKind::PasswordlessLink, Some(link), text)
        }
    };
    let email_options = connection.options.email.clone().unwrap_or_default();
    let (channel, from, subject) = match channel {
        PasswordlessChannel::Email => (
            Channel::Email,
            email_options.from.unwrap_or_else(|| DEFAULT_FROM.into()),
            email_options
                .subject
                .unwrap_or_else(|| format!("Welcome to {}", tenant.friendly_name)),
        ),
        PasswordlessChannel::Sms => (
            Channel::Sms,
            connection.options.from.clone().unwrap_or_default(),
            String::new(),
        ),
    };
    Ok(mock.outbox().push(Message {
        id: String::new(),
        channel,
        kind,
        to: recipient,
        from,
        subject,
        text,
        code: Some(code),
        link,
        user_id: existing.map(|u| u.user_id),
        sent_at: now,
    }))
}

/// `/passwordless/verify_redirect?…`: the start request's `authParams`, the connection, the
/// recipient and the code.
fn magic_link(mock: &Mock, req: &Start, connection: &str, code: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &req.auth_params {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Null => continue,
            other => other.to_string(),
        };
        query.append_pair(k, &text);
    }
    query.append_pair("client_id", &req.client_id);
    query.append_pair("connection", connection);
    query.append_pair("email", &req.recipient);
    query.append_pair("verification_code", code);
    format!(
        "{}passwordless/verify_redirect?{}",
        mock.issuer(),
        query.finish()
    )
}

/// Checks a code and returns the user it logs in (created on a first login) with the code's
/// start request details.
pub(crate) async fn verify(
    mock: &Mock,
    connection: &str,
    recipient: &str,
    code: &str,
    request: Value,
    transaction: Option<Map<String, Value>>,
) -> Result<(User, Otp), PasswordlessError> {
    let (connection, channel) = passwordless_connection(mock, connection)?;
    let now = mock.clock().now();
    let otp = mock
        .store()
        .use_otp(&otp_key(&connection.name, recipient), code, now)
        .map_err(PasswordlessError::Code)?;
    if let Some(user) = mock.store().find_user_in(recipient, &connection.name) {
        if user.blocked {
            return Err(PasswordlessError::Blocked);
        }
        return Ok((user, otp));
    }
    if connection.options.disable_signup {
        return Err(PasswordlessError::Disabled);
    }
    let user = register(
        mock,
        &connection,
        channel,
        recipient,
        &otp,
        request,
        transaction,
    )
    .await?;
    Ok((user, otp))
}

/// Creates a passwordless user through the registration triggers.
async fn register(
    mock: &Mock,
    connection: &Connection,
    channel: PasswordlessChannel,
    recipient: &str,
    otp: &Otp,
    request: Value,
    transaction: Option<Map<String, Value>>,
) -> Result<User, PasswordlessError> {
    let tenant = mock.tenant();
    let (prefix, email, phone) = match channel {
        PasswordlessChannel::Email => ("email", Some(recipient.to_string()), None),
        PasswordlessChannel::Sms => ("sms", None, Some(recipient.to_string())),
    };
    let user = User {
        user_id: format!("{prefix}|{}", crate::util::random_hex(24)),
        email_verified: email.is_some(),
        email,
        phone_verified: phone.is_some(),
        phone_number: phone,
        connection: Some(connection.name.clone()),
        ..User::default()
    };
    if let Some(client) = tenant.client(&otp.client_id) {
        let event = pre_registration_event(
            mock,
            &user,
            client,
            connection,
            request.clone(),
            transaction.clone(),
        );
        let verdict = run(mock, Trigger::PreUserRegistration, event).await;
        if let Some(reason) = verdict.denied {
            return Err(PasswordlessError::Denied {
                reason,
                user_message: verdict.user_message,
            });
        }
        if !verdict.api.app_metadata.is_empty() || !verdict.api.user_metadata.is_empty() {
            tracing::warn!(connection = %connection.name, "pre-user-registration set metadata for a passwordless user: Auth0 ignores that, and so does the mock");
        }
    }
    let user = mock
        .store()
        .create_user(user, |r| tenant.has_role(r), mock.clock().now())
        .map_err(|e: UserError| PasswordlessError::Store(e.to_string()))?;
    tracing::info!(user = %user.user_id, connection = %connection.name, "passwordless user created");
    let event = after_event(mock, &user, connection, request, transaction);
    run_after(mock, Trigger::PostUserRegistration, event).await;
    Ok(user)
}
