//! The emails of the lifecycle (verification and reset links): a ticket in the store, a message
//! in the outbox. What the tenant's `emailTemplates` say decides whether each is sent, from
//! whom, how long its link works and where the browser goes afterwards.

use crate::mock::Mock;
use crate::outbox::{Channel, Message, MessageKind};
use crate::store::{Invitation, Ticket, TicketPurpose};
use crate::tenant::User;

/// Sender of emails when the template names none: Auth0's built-in provider's address.
pub(super) const DEFAULT_FROM: &str = "no-reply@auth0user.net";

/// The link of a ticket, at Universal Login's paths (the trailing `#` is Auth0's too).
pub(crate) fn ticket_url(mock: &Mock, purpose: TicketPurpose, id: &str) -> String {
    let path = match purpose {
        TicketPurpose::VerifyEmail => "u/email-verification",
        TicketPurpose::ResetPassword => "u/reset-verify",
    };
    format!("{}{path}?ticket={id}#", mock.issuer())
}

/// One kind of link email: its template, outbox kind, ticket purpose, default subject and
/// body (`{tenant}`, `{email}` and `{link}` filled in).
struct LinkEmail {
    template: &'static str,
    kind: MessageKind,
    purpose: TicketPurpose,
    subject: &'static str,
    body: fn(&str, &str, &str) -> String,
}

const VERIFY: LinkEmail = LinkEmail {
    template: "verify_email",
    kind: MessageKind::VerifyEmail,
    purpose: TicketPurpose::VerifyEmail,
    subject: "Verify your email",
    body: |tenant, email, link| {
        format!(
            "Welcome to {tenant}!\n\nPlease verify your email address ({email}) by following this link:\n\n{link}\n\nIf you did not sign up, you can ignore this email."
        )
    },
};

const RESET: LinkEmail = LinkEmail {
    template: "reset_email",
    kind: MessageKind::ResetEmail,
    purpose: TicketPurpose::ResetPassword,
    subject: "Reset your password",
    body: |tenant, email, link| {
        format!(
            "Someone asked to reset the password of your {tenant} account ({email}).\n\nTo choose a new password, follow this link:\n\n{link}\n\nIf it was not you, you can ignore this email: your password stays as it is."
        )
    },
};

const BLOCKED: LinkEmail = LinkEmail {
    template: "blocked_account",
    kind: MessageKind::BlockedAccount,
    purpose: TicketPurpose::ResetPassword,
    subject: "Your account has been blocked",
    body: |tenant, email, link| {
        format!(
            "Your {tenant} account ({email}) was blocked after multiple consecutive failed login attempts.\n\nTo unblock it, choose a new password:\n\n{link}"
        )
    },
};

/// Issues the ticket and puts the email in the outbox, if the template is enabled and the user
/// has an address.
fn send(mock: &Mock, spec: &LinkEmail, user: &User, result_url: Option<String>) -> Option<Message> {
    let tenant = mock.tenant();
    let template = tenant.email_template(spec.template);
    let email = user.email.as_deref()?;
    if !template.enabled {
        return None;
    }
    let ticket = Ticket {
        purpose: spec.purpose,
        user_id: user.user_id.clone(),
        result_url: result_url.or(template.result_url.clone()),
        mark_email_verified: false,
        used: false,
    };
    let now = mock.clock().now();
    let id = mock
        .store()
        .issue_ticket(ticket, now, template.link_lifetime());
    let link = ticket_url(mock, spec.purpose, &id);
    Some(mock.outbox().push(Message {
        id: String::new(),
        channel: Channel::Email,
        kind: spec.kind,
        to: email.to_string(),
        from: template.from.unwrap_or_else(|| DEFAULT_FROM.into()),
        subject: template.subject.unwrap_or_else(|| spec.subject.into()),
        text: (spec.body)(&tenant.friendly_name, email, &link),
        code: None,
        link: Some(link),
        user_id: Some(user.user_id.clone()),
        sent_at: now,
    }))
}

/// Sends the verification email to `user` if the `verify_email` template is enabled and the
/// address is not verified yet. `result_url` overrides the template's.
pub(crate) fn send_verification(
    mock: &Mock,
    user: &User,
    result_url: Option<String>,
) -> Option<Message> {
    if user.email_verified {
        return None;
    }
    send(mock, &VERIFY, user, result_url)
}

/// Sends a password reset email to `user` if the `reset_email` template is enabled. The new
/// link voids the user's older ones.
pub(crate) fn send_reset(mock: &Mock, user: &User) -> Option<Message> {
    send(mock, &RESET, user, None)
}

/// Tells `user` brute-force protection blocked their account, with a reset link that lifts the
/// block (Auth0 sends an unblock link; a reset unblocks too).
pub(crate) fn send_blocked(mock: &Mock, user: &User) -> Option<Message> {
    send(mock, &BLOCKED, user, None)
}

/// Sends an organization invitation to its invitee if the `user_invitation` template is
/// enabled: the link is the invitation's own (the application's login route).
pub(crate) fn send_invitation(
    mock: &Mock,
    invitation: &Invitation,
    organization: &str,
) -> Option<Message> {
    let tenant = mock.tenant();
    let template = tenant.email_template("user_invitation");
    if !template.enabled {
        return None;
    }
    let link = invitation.invitation_url.clone();
    Some(mock.outbox().push(Message {
        id: String::new(),
        channel: Channel::Email,
        kind: MessageKind::UserInvitation,
        to: invitation.invitee_email.clone(),
        from: template.from.unwrap_or_else(|| DEFAULT_FROM.into()),
        subject: template.subject.unwrap_or_else(|| {
            format!("You've been invited to join {organization}")
        }),
        text: format!(
            "{} has invited you to join {organization} on {}.\n\nTo accept, follow this link:\n\n{link}",
            invitation.inviter_name, tenant.friendly_name
        ),
        code: None,
        link: Some(link),
        user_id: None,
        sent_at: mock.clock().now(),
    }))
}
