//! Email templates (Deploy CLI `emailTemplates`): sender, subject and body per template.

use super::api::yes;

use serde::{Deserialize, Serialize};

/// One entry of `emailTemplates:`, with the Deploy CLI's field names. The mock writes its own
/// plain-text bodies (Liquid `body` files are not rendered): what tests read is the code or the
/// link, which every message carries as a field too.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailTemplate {
    /// `verify_email`, `reset_email`, …
    pub template: String,
    /// Whether the email is sent at all.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Sender address.
    #[serde(default)]
    pub from: Option<String>,
    /// Subject line.
    #[serde(default)]
    pub subject: Option<String>,
    /// Where the browser goes after following the link (`resultUrl`).
    #[serde(default, rename = "resultUrl")]
    pub result_url: Option<String>,
    /// How long the link works (`urlLifetimeInSeconds`; Auth0's default is 5 days).
    #[serde(default, rename = "urlLifetimeInSeconds")]
    pub url_lifetime_in_seconds: Option<i64>,
}

/// Auth0's default link lifetime for verification and reset emails: 5 days.
pub const DEFAULT_LINK_LIFETIME: i64 = 432_000;

impl EmailTemplate {
    /// Auth0's defaults for a template the tenant does not configure.
    pub fn default_for(template: &str) -> Self {
        Self {
            template: template.to_string(),
            enabled: true,
            from: None,
            subject: None,
            result_url: None,
            url_lifetime_in_seconds: None,
        }
    }

    /// How long its links work, in seconds.
    pub fn link_lifetime(&self) -> i64 {
        self.url_lifetime_in_seconds
            .filter(|s| *s > 0)
            .unwrap_or(DEFAULT_LINK_LIFETIME)
            .min(MAX_LIFETIME)
    }
}

/// Longest token lifetime a scenario may ask for, either way (a century, in seconds).
pub const MAX_LIFETIME: i64 = 100 * 365 * 86400;
