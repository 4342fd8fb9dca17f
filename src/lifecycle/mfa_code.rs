//! The code of an out-of-band MFA challenge, sent where the user's factor says: a text
//! message or an email, both kept in the outbox (kind `mfa_oob_code`, the email template of
//! that name deciding its sender and subject), where a test reads the code.

use crate::mfa::OobChallenge;
use crate::mock::Mock;
use crate::outbox::{Channel, Message, MessageKind};
use crate::protocol::OobChannel;
use crate::store::MfaWait;

/// Sends a new challenge's code on `channel` to `to` for `user_id`; the challenge.
pub(crate) fn send_mfa_code(
    mock: &Mock,
    user_id: &str,
    channel: OobChannel,
    to: &str,
) -> OobChallenge {
    let now = mock.clock().now();
    let challenge = OobChallenge::new(channel, now);
    let tenant = mock.tenant();
    let code = &challenge.binding_code;
    let minutes = crate::mfa::OOB_CODE_SECS / 60;
    let (channel, from, subject, text) = match channel {
        OobChannel::Sms => (
            Channel::Sms,
            String::new(),
            String::new(),
            format!(
                "{code} is your verification code for {}.",
                tenant.friendly_name
            ),
        ),
        OobChannel::Email => {
            let template = tenant.email_template("mfa_oob_code");
            (
                Channel::Email,
                template
                    .from
                    .unwrap_or_else(|| super::email::DEFAULT_FROM.into()),
                template
                    .subject
                    .unwrap_or_else(|| "Verification code for MFA".into()),
                format!(
                    "Your {} verification code is: {code}\n\nIt expires in {minutes} minutes.",
                    tenant.friendly_name
                ),
            )
        }
    };
    mock.outbox().push(Message {
        id: String::new(),
        channel,
        kind: MessageKind::MfaOobCode,
        to: to.to_string(),
        from,
        subject,
        text,
        code: Some(code.clone()),
        link: None,
        user_id: Some(user_id.to_string()),
        sent_at: now,
    });
    tracing::info!(user = %user_id, channel = ?channel, "MFA code sent to the outbox");
    challenge
}

/// The browser's MFA wait for `grant`: a new TOTP secret to enrol for a user with no factor,
/// else the code of an SMS or email challenge when that is the user's factor (sent now).
pub(crate) fn browser_wait(mock: &Mock, grant: crate::login::grant::Grant) -> MfaWait {
    let factors = mock
        .store()
        .user(&grant.user.user_id)
        .and_then(|u| u.mfa)
        .unwrap_or_default();
    let oob = match (&factors.totp_secret, factors.default_oob()) {
        (None, Some(channel)) => {
            let to = factors.oob_address(channel).unwrap_or_default();
            Some(send_mfa_code(mock, &grant.user.user_id, channel, to))
        }
        _ => None,
    };
    MfaWait {
        new_secret: (!factors.enrolled()).then(crate::mfa::new_secret),
        oob,
        recovered: false,
        grant,
    }
}
