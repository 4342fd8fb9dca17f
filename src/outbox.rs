//! The outbox: every email and text message Auth0 would have sent (verification links, reset
//! links, passwordless codes), kept so a test reads the code or link instead of paying for a
//! mail-capture service. `GET /__mock/outbox` and [`crate::MockHandle::outbox`] read it; a
//! reader may wait for a message instead of sleeping. With `--smtp`, emails also go out over
//! SMTP (a [`Relay`]).
//!
//! Bounded like the rest of the runtime state: the newest [`OUTBOX_CAP`] messages are kept.

use parking_lot::Mutex;
use serde::Serialize;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::Notify;

/// Messages kept at most; the oldest leave first. Each is a few hundred bytes.
pub const OUTBOX_CAP: usize = 1000;

/// Longest a reader may wait for a message, so a forgotten wait cannot hold a connection.
pub const MAX_WAIT: Duration = Duration::from_secs(60);

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// An email.
    Email,
    /// A text message.
    Sms,
}

/// What a message is for, named as Auth0 names its email templates where one exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// The sign-up verification link (template `verify_email`).
    VerifyEmail,
    /// The password reset link (template `reset_email`).
    ResetEmail,
    /// A passwordless one-time code.
    PasswordlessCode,
    /// A passwordless magic link.
    PasswordlessLink,
    /// Brute-force protection blocked the account (template `blocked_account`).
    BlockedAccount,
    /// An invitation to join an organization (template `user_invitation`).
    UserInvitation,
    /// The code of an MFA email or SMS challenge (template `mfa_oob_code`).
    MfaOobCode,
}

impl MessageKind {
    /// Every kind.
    pub const ALL: [MessageKind; 7] = [
        MessageKind::VerifyEmail,
        MessageKind::ResetEmail,
        MessageKind::PasswordlessCode,
        MessageKind::PasswordlessLink,
        MessageKind::BlockedAccount,
        MessageKind::UserInvitation,
        MessageKind::MfaOobCode,
    ];

    /// The kind a `?kind=` filter names.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The wire name, as in `?kind=` filters.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::VerifyEmail => "verify_email",
            MessageKind::ResetEmail => "reset_email",
            MessageKind::PasswordlessCode => "passwordless_code",
            MessageKind::PasswordlessLink => "passwordless_link",
            MessageKind::BlockedAccount => "blocked_account",
            MessageKind::UserInvitation => "user_invitation",
            MessageKind::MfaOobCode => "mfa_oob_code",
        }
    }
}

/// One message the mock "sent".
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// `msg_…`, unique within a run.
    pub id: String,
    /// Email or SMS.
    pub channel: Channel,
    /// What it is for.
    pub kind: MessageKind,
    /// The recipient's email address or phone number.
    pub to: String,
    /// The sender.
    pub from: String,
    /// The subject (emails).
    pub subject: String,
    /// The body, as plain text.
    pub text: String,
    /// The one-time code in it, if any, so a test need not parse `text`.
    pub code: Option<String>,
    /// The link in it, if any.
    pub link: Option<String>,
    /// The user it concerns, once one exists.
    pub user_id: Option<String>,
    /// Unix time (the mock's clock) it was sent.
    pub sent_at: i64,
}

/// Which messages a reader wants; empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    /// The recipient, compared case-insensitively (emails) or exactly (phone numbers).
    pub to: Option<String>,
    /// The kind.
    pub kind: Option<MessageKind>,
}

impl OutboxFilter {
    fn matches(&self, m: &Message) -> bool {
        self.to
            .as_deref()
            .is_none_or(|t| m.to.eq_ignore_ascii_case(t))
            && self.kind.is_none_or(|k| m.kind == k)
    }
}

/// Where messages also go once kept (the `--smtp` relay), called after the outbox's lock is
/// released; it must not block.
pub type Relay = std::sync::Arc<dyn Fn(&Message) + Send + Sync>;

/// The messages sent, oldest first, with a wake-up for readers waiting on the next one.
#[derive(Default)]
pub struct Outbox {
    messages: Mutex<VecDeque<Message>>,
    next_id: Mutex<u64>,
    arrived: Notify,
    relay: Option<Relay>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("messages", &self.len())
            .field("relay", &self.relay.is_some())
            .finish()
    }
}

impl Outbox {
    /// An outbox that also hands every message to `relay`.
    pub fn with_relay(relay: Option<Relay>) -> Self {
        Self {
            relay,
            ..Self::default()
        }
    }

    /// Keeps a message (dropping the oldest past [`OUTBOX_CAP`]) and wakes waiting readers.
    pub fn push(&self, mut message: Message) -> Message {
        {
            let mut id = self.next_id.lock();
            *id += 1;
            message.id = format!("msg_{:06}", *id);
        }
        {
            let mut messages = self.messages.lock();
            if messages.len() >= OUTBOX_CAP {
                messages.pop_front();
            }
            messages.push_back(message.clone());
        }
        tracing::info!(
            to = %message.to,
            kind = message.kind.as_str(),
            code = message.code.as_deref().unwrap_or(""),
            link = message.link.as_deref().unwrap_or(""),
            "outbox: {}",
            message.subject
        );
        self.arrived.notify_waiters();
        if let Some(relay) = &self.relay {
            relay(&message);
        }
        message
    }

    /// The messages `filter` picks, oldest first.
    pub fn list(&self, filter: &OutboxFilter) -> Vec<Message> {
        self.messages
            .lock()
            .iter()
            .filter(|m| filter.matches(m))
            .cloned()
            .collect()
    }

    /// The messages `filter` picks, waiting up to `wait` (at most [`MAX_WAIT`]) for the first
    /// one when there is none yet. Empty if none arrived in time.
    pub async fn wait_for(&self, filter: &OutboxFilter, wait: Duration) -> Vec<Message> {
        let deadline = tokio::time::Instant::now() + wait.min(MAX_WAIT);
        loop {
            // Registered before looking, so a message pushed in between still wakes us.
            let arrived = self.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            let found = self.list(filter);
            if !found.is_empty() {
                return found;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return Vec::new();
            }
        }
    }

    /// Forgets every message.
    pub fn clear(&self) {
        self.messages.lock().clear();
    }

    /// How many messages are kept.
    pub fn len(&self) -> usize {
        self.messages.lock().len()
    }

    /// Whether no message is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn message(to: &str, kind: MessageKind) -> Message {
        Message {
            id: String::new(),
            channel: Channel::Email,
            kind,
            to: to.into(),
            from: "no-reply@auth0-mock.test".into(),
            subject: "s".into(),
            text: "t".into(),
            code: None,
            link: None,
            user_id: None,
            sent_at: 0,
        }
    }

    #[test]
    fn a_filter_picks_by_recipient_ignoring_case_and_by_kind() {
        let outbox = Outbox::default();
        outbox.push(message("Ann@example.com", MessageKind::VerifyEmail));
        outbox.push(message("ann@example.com", MessageKind::ResetEmail));
        outbox.push(message("bob@example.com", MessageKind::VerifyEmail));
        let filter = OutboxFilter {
            to: Some("ann@EXAMPLE.com".into()),
            kind: Some(MessageKind::VerifyEmail),
        };
        let found = outbox.list(&filter);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].to, "Ann@example.com");
    }

    #[test]
    fn the_oldest_message_leaves_past_the_cap() {
        let outbox = Outbox::default();
        for i in 0..=OUTBOX_CAP {
            outbox.push(message(
                &format!("u{i}@example.com"),
                MessageKind::VerifyEmail,
            ));
        }
        let all = outbox.list(&OutboxFilter::default());
        assert_eq!(all.len(), OUTBOX_CAP);
        assert_eq!(all[0].to, "u1@example.com");
    }

    #[tokio::test]
    async fn a_waiting_reader_wakes_when_its_message_arrives() {
        let outbox = Arc::new(Outbox::default());
        let waiting = {
            let outbox = outbox.clone();
            tokio::spawn(async move {
                let filter = OutboxFilter {
                    to: Some("late@example.com".into()),
                    kind: None,
                };
                outbox.wait_for(&filter, Duration::from_secs(10)).await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        outbox.push(message("other@example.com", MessageKind::VerifyEmail));
        outbox.push(message("late@example.com", MessageKind::ResetEmail));
        let found = waiting.await.unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, MessageKind::ResetEmail);
    }

    #[tokio::test]
    async fn a_wait_with_nothing_arriving_ends_empty() {
        let outbox = Outbox::default();
        let found = outbox
            .wait_for(&OutboxFilter::default(), Duration::from_millis(30))
            .await;
        assert!(found.is_empty());
    }
}
