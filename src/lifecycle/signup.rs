//! Sign-up into a database connection: the one operation behind the Universal Login sign-up
//! page and `POST /dbconnections/signup`.
//!
//! Order, as in Auth0: the connection and input are checked, then the password policy, then
//! `pre-user-registration` runs (it may deny, or set metadata), then the user is stored (the
//! store refuses a taken email or username under its lock, so concurrent sign-ups with one
//! email create exactly one user), then `post-user-registration` runs (its failure is recorded
//! and the user stays), then the verification email goes to the outbox. A refusal at any step
//! leaves no user behind.

use super::email::send_verification;
use super::triggers::{after_event, pre_registration_event, run, run_after};
use crate::mock::Mock;
use crate::protocol::Trigger;
use crate::store::UserError;
use crate::tenant::{Connection, PolicyFailure, User, UsernameLength, merge_metadata};
use serde_json::{Map, Value};

/// Most `user_metadata` keys a sign-up may carry (Auth0's limit).
const METADATA_KEYS: usize = 10;
/// Longest `user_metadata` key name.
const METADATA_KEY_LEN: usize = 100;
/// Longest `user_metadata` value.
const METADATA_VALUE_LEN: usize = 500;
/// Characters a username may have besides ASCII letters and digits (Auth0's list).
const USERNAME_EXTRA: &str = "@^$.!`-#+'~_";

/// The optional root profile fields of a sign-up.
#[derive(Debug, Clone, Default)]
pub(crate) struct Profile {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub name: Option<String>,
    pub nickname: Option<String>,
    pub picture: Option<String>,
}

/// How the sign-up arrived: `event.transaction` exists only for a Universal Login sign-up
/// (Auth0 support tells apps to tell the two apart by exactly that).
#[derive(Debug, Clone)]
pub(crate) enum SignUpVia {
    /// `POST /dbconnections/signup`.
    Api,
    /// The sign-up page, with the login's transaction.
    Page(Map<String, Value>),
}

/// One sign-up request.
#[derive(Debug, Clone)]
pub(crate) struct SignUp {
    pub client_id: String,
    /// The connection named; the tenant's default database connection when absent.
    pub connection: Option<String>,
    pub email: String,
    pub password: String,
    pub username: Option<String>,
    pub profile: Profile,
    pub user_metadata: Map<String, Value>,
    pub via: SignUpVia,
    /// `event.request`.
    pub request: Value,
}

/// Why a sign-up created no user.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum SignUpError {
    /// A required field is missing (its name).
    #[error("Missing required property: {0}")]
    Missing(&'static str),
    /// No such client.
    #[error("Unknown client: {0}")]
    UnknownClient(String),
    /// The connection does not exist or is not a database connection.
    #[error("{0}")]
    BadConnection(String),
    /// `disable_signup` is set on the connection.
    #[error("public signup is disabled")]
    Disabled,
    /// The email is not an email address.
    #[error("Object didn't pass validation for format email: {0}")]
    InvalidEmail(String),
    /// The username breaks the connection's rules (the reason).
    #[error("{0}")]
    InvalidUsername(String),
    /// `user_metadata` breaks Auth0's limits (the reason).
    #[error("{0}")]
    InvalidMetadata(String),
    /// The password does not meet the connection's policy.
    #[error("Password is too weak")]
    WeakPassword(PolicyFailure),
    /// Another user has the email.
    #[error("The user already exists.")]
    UserExists,
    /// Another user of the connection has the username.
    #[error("The username already exists.")]
    UsernameExists,
    /// A `pre-user-registration` hook denied or failed.
    #[error("{reason}")]
    Denied {
        /// The reason (logs, API answers).
        reason: String,
        /// What to show the user, when the hook gave it.
        user_message: Option<String>,
        /// The hook's own code (`api.validation.error`).
        code: Option<String>,
    },
    /// The store is full.
    #[error("{0}")]
    Full(String),
}

/// The database connection a sign-up goes to.
pub(crate) fn signup_connection(
    mock: &Mock,
    named: Option<&str>,
) -> Result<Connection, SignUpError> {
    let tenant = mock.tenant();
    let connection = match named {
        Some(name) => tenant
            .connection(name)
            .ok_or_else(|| SignUpError::BadConnection("Connection does not exist".into()))?,
        None => tenant
            .connections
            .iter()
            .find(|c| c.is_database())
            .ok_or_else(|| {
                SignUpError::BadConnection("The tenant has no database connection".into())
            })?,
    };
    if !connection.is_database() {
        return Err(SignUpError::BadConnection(
            "Invalid connection strategy: sign-up needs a database connection".into(),
        ));
    }
    Ok(connection.clone())
}

/// Signs a new user up; the user as stored.
pub(crate) async fn sign_up(mock: &Mock, req: SignUp) -> Result<User, SignUpError> {
    let tenant = mock.tenant();
    let client = tenant
        .client(&req.client_id)
        .cloned()
        .ok_or_else(|| SignUpError::UnknownClient(req.client_id.clone()))?;
    let connection = signup_connection(mock, req.connection.as_deref())?;
    if connection.options.disable_signup {
        return Err(SignUpError::Disabled);
    }
    let email = req.email.trim().to_string();
    if email.is_empty() {
        return Err(SignUpError::Missing("email"));
    }
    if !looks_like_email(&email) {
        return Err(SignUpError::InvalidEmail(email));
    }
    if req.password.is_empty() {
        return Err(SignUpError::Missing("password"));
    }
    // A username means something only where the connection asks for one.
    let username = if connection.options.requires_username {
        let u = req.username.as_deref().map(str::trim).unwrap_or("");
        if u.is_empty() {
            return Err(SignUpError::Missing("username"));
        }
        let bounds = connection.options.validation.username.unwrap_or_default();
        check_username(u, bounds).map_err(SignUpError::InvalidUsername)?;
        Some(u.to_ascii_lowercase())
    } else {
        None
    };
    check_metadata(&req.user_metadata).map_err(SignUpError::InvalidMetadata)?;
    connection
        .password_policy()
        .check(&req.password)
        .map_err(SignUpError::WeakPassword)?;
    if mock
        .store()
        .find_user_in(&email, &connection.name)
        .is_some()
    {
        return Err(SignUpError::UserExists);
    }

    let mut user = User {
        user_id: format!("auth0|{}", crate::util::random_hex(24)),
        email: Some(email),
        email_verified: false,
        username,
        phone_number: None,
        phone_verified: false,
        name: req.profile.name,
        nickname: req.profile.nickname,
        given_name: req.profile.given_name,
        family_name: req.profile.family_name,
        picture: req.profile.picture,
        app_metadata: Map::new(),
        user_metadata: req.user_metadata,
        blocked: false,
        password: Some(req.password),
        roles: Vec::new(),
        permissions: Vec::new(),
        connection: Some(connection.name.clone()),
        created_at: None,
        updated_at: None,
        last_password_reset: None,
        mfa: None,
        identities: Vec::new(),
    };
    let transaction = match &req.via {
        SignUpVia::Api => None,
        SignUpVia::Page(t) => Some(t.clone()),
    };

    let event = pre_registration_event(
        mock,
        &user,
        &client,
        &connection,
        req.request.clone(),
        transaction.clone(),
    );
    let verdict = run(mock, Trigger::PreUserRegistration, event).await;
    if let Some(reason) = verdict.denied {
        tracing::info!(email = user.login_name(), reason = %reason, "sign-up denied by pre-user-registration");
        return Err(SignUpError::Denied {
            reason,
            user_message: verdict.user_message,
            code: verdict.deny_code,
        });
    }
    merge_metadata(&mut user.app_metadata, &verdict.api.app_metadata);
    merge_metadata(&mut user.user_metadata, &verdict.api.user_metadata);

    let now = mock.clock().now();
    let user = mock
        .store()
        .create_user(user, |r| tenant.has_role(r), now)
        .map_err(|e| match e {
            UserError::Exists => SignUpError::UserExists,
            UserError::UsernameExists => SignUpError::UsernameExists,
            other => SignUpError::Full(other.to_string()),
        })?;
    tracing::info!(user = %user.user_id, email = user.login_name(), connection = %connection.name, "signed up");

    let event = after_event(mock, &user, &connection, req.request, transaction);
    run_after(mock, Trigger::PostUserRegistration, event).await;
    send_verification(mock, &user, None);
    Ok(user)
}

/// Whether `s` has the shape of an address: one `@`, something on either side, no spaces.
fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Auth0's username rules: length within the connection's bounds, ASCII letters, digits and
/// a few symbols, and not an email address.
fn check_username(u: &str, bounds: UsernameLength) -> Result<(), String> {
    let len = u.chars().count();
    if len < bounds.min {
        return Err(format!(
            "The username must have at least {} characters",
            bounds.min
        ));
    }
    if len > bounds.max {
        return Err(format!(
            "The username must have at most {} characters",
            bounds.max
        ));
    }
    if let Some(bad) = u
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && !USERNAME_EXTRA.contains(*c))
    {
        return Err(format!(
            "The username contains a character that is not allowed: '{bad}'"
        ));
    }
    if looks_like_email(u) && u.contains('.') {
        return Err("The username cannot be an email address".into());
    }
    Ok(())
}

/// Auth0's `user_metadata` limits on sign-up: at most 10 keys, names up to 100 characters,
/// values strings of up to 500.
fn check_metadata(m: &Map<String, Value>) -> Result<(), String> {
    if m.len() > METADATA_KEYS {
        return Err(format!(
            "user_metadata may have at most {METADATA_KEYS} keys"
        ));
    }
    for (k, v) in m {
        if k.chars().count() > METADATA_KEY_LEN {
            return Err(format!(
                "user_metadata key names may have at most {METADATA_KEY_LEN} characters"
            ));
        }
        match v {
            Value::String(s) if s.chars().count() <= METADATA_VALUE_LEN => {}
            Value::String(_) => {
                return Err(format!(
                    "user_metadata.{k}: values may have at most {METADATA_VALUE_LEN} characters"
                ));
            }
            _ => return Err(format!("user_metadata.{k}: values must be strings")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_username_with_a_space_is_refused_and_named() {
        let e = check_username("ann smith", UsernameLength::default()).unwrap_err();
        assert!(e.contains("' '"), "{e}");
    }

    #[test]
    fn a_username_longer_than_the_connection_allows_is_refused() {
        let bounds = UsernameLength { min: 1, max: 5 };
        assert!(check_username("abcdef", bounds).is_err());
        assert!(check_username("abcde", bounds).is_ok());
    }

    #[test]
    fn an_email_shaped_username_is_refused() {
        assert!(check_username("ann@example.com", UsernameLength { min: 1, max: 40 }).is_err());
        assert!(check_username("ann@home", UsernameLength::default()).is_ok());
    }

    #[test]
    fn metadata_values_must_be_short_strings() {
        assert!(check_metadata(json!({"plan": "pro"}).as_object().unwrap()).is_ok());
        assert!(check_metadata(json!({"n": 1}).as_object().unwrap()).is_err());
        let long = "x".repeat(METADATA_VALUE_LEN + 1);
        assert!(check_metadata(json!({ "k": long }).as_object().unwrap()).is_err());
    }

    #[test]
    fn more_than_ten_metadata_keys_are_refused() {
        let m: Map<String, Value> = (0..11).map(|i| (format!("k{i}"), json!("v"))).collect();
        assert!(check_metadata(&m).is_err());
    }

    #[test]
    fn an_address_needs_one_at_sign_and_no_spaces() {
        assert!(looks_like_email("a@b"));
        assert!(!looks_like_email("ab"));
        assert!(!looks_like_email("a@b@c"));
        assert!(!looks_like_email("a b@c"));
        assert!(!looks_like_email("@c"));
    }
}
