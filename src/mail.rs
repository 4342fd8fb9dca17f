//! `--smtp smtp://host:port`: every email of the outbox also goes out over SMTP, so a
//! developer running the compose stack with Mailpit (or any SMTP catcher) reads the mails in a
//! browser. Delivery happens after the request is answered; a failure is logged and changes
//! nothing else (the message stays in the outbox).
//!
//! Plain SMTP only (what local catchers speak), with optional `user:password@` credentials;
//! `smtps://` and STARTTLS are refused at startup rather than silently ignored.

use crate::outbox::Message;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// Why an `--smtp` URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--smtp '{url}': {reason}")]
pub struct SmtpUrlError {
    url: String,
    reason: String,
}

/// An SMTP relay for the outbox's emails.
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    target: String,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("target", &self.target)
            .finish()
    }
}

impl Smtp {
    /// A relay for `smtp://[user:password@]host[:port]` (port 25 when absent).
    pub fn from_url(raw: &str) -> Result<Self, SmtpUrlError> {
        let fail = |reason: &str| SmtpUrlError {
            url: raw.to_string(),
            reason: reason.to_string(),
        };
        let url = url::Url::parse(raw).map_err(|e| fail(&e.to_string()))?;
        if url.scheme() != "smtp" {
            return Err(fail(
                "only plain smtp:// is supported (local catchers such as Mailpit speak it); smtps and STARTTLS are not",
            ));
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| fail("no host"))?;
        let port = url.port().unwrap_or(25);
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port);
        if !url.username().is_empty() {
            let user = percent(url.username());
            let password = percent(url.password().unwrap_or(""));
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Self {
            transport: builder.build(),
            target: format!("{host}:{port}"),
        })
    }

    /// Where the mails go, for the banner.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Sends `message` in the background (an SMS is not an email and is skipped).
    pub fn deliver(&self, message: &Message) {
        if message.channel != crate::outbox::Channel::Email {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!(to = %message.to, "smtp: no async runtime to send from; the message stays in the outbox only");
            return;
        };
        let relay = self.clone();
        let message = message.clone();
        runtime.spawn(async move {
            match relay.send(&message).await {
                Ok(()) => {
                    tracing::info!(to = %message.to, smtp = %relay.target, "smtp: delivered {}", message.id)
                }
                Err(e) => {
                    tracing::warn!(to = %message.to, smtp = %relay.target, error = %e, "smtp: delivery failed; the message stays in the outbox")
                }
            }
        });
    }

    async fn send(&self, m: &Message) -> Result<(), String> {
        let from: Mailbox = m
            .from
            .parse()
            .map_err(|e| format!("sender '{}': {e}", m.from))?;
        let to: Mailbox =
            m.to.parse()
                .map_err(|e| format!("recipient '{}': {e}", m.to))?;
        let email = lettre::Message::builder()
            .from(from)
            .to(to)
            .subject(m.subject.clone())
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(m.text.clone())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// A URL's user or password, percent-decoded.
fn percent(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_smtp_url_without_a_port_uses_25() {
        assert_eq!(
            Smtp::from_url("smtp://mailpit").unwrap().target(),
            "mailpit:25"
        );
        assert_eq!(
            Smtp::from_url("smtp://u:p%40ss@localhost:1025")
                .unwrap()
                .target(),
            "localhost:1025"
        );
    }

    #[test]
    fn smtps_is_refused_with_the_reason() {
        let e = Smtp::from_url("smtps://mail.example.com").unwrap_err();
        assert!(e.to_string().contains("only plain smtp://"), "{e}");
    }
}
