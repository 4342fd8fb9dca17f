//! Auth0's Actions triggers the mock runs, as a protocol value: the tenant binds hooks per
//! trigger (`triggers: <id>:` in Deploy CLI shape) and each trigger has its own handler export
//! and its own `api` (a pre-registration Action may deny, a post-registration one may not).

use serde::Serialize;

/// A trigger a hook can be bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trigger {
    /// After a user authenticates, before tokens are issued (Auth0's Login flow).
    #[default]
    PostLogin,
    /// Before a database or passwordless user is created; may deny or set metadata.
    PreUserRegistration,
    /// After a user is created; cannot change the outcome (Auth0 runs it asynchronously).
    PostUserRegistration,
    /// After a password is changed or reset; cannot change the outcome.
    PostChangePassword,
    /// Before a client_credentials access token is issued; may deny or add claims.
    CredentialsExchange,
}

impl Trigger {
    /// Every trigger the mock runs, in the order `tenant.yaml` documents them.
    pub const ALL: [Trigger; 5] = [
        Trigger::PostLogin,
        Trigger::PreUserRegistration,
        Trigger::PostUserRegistration,
        Trigger::PostChangePassword,
        Trigger::CredentialsExchange,
    ];

    /// The Deploy CLI key under `triggers:` and the id in an Action's `supported_triggers`.
    pub fn id(self) -> &'static str {
        match self {
            Trigger::PostLogin => "post-login",
            Trigger::PreUserRegistration => "pre-user-registration",
            Trigger::PostUserRegistration => "post-user-registration",
            Trigger::PostChangePassword => "post-change-password",
            Trigger::CredentialsExchange => "credentials-exchange",
        }
    }

    /// The trigger a Deploy CLI key names.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }

    /// The export an Action defines for this trigger, as in Auth0's examples.
    pub fn export(self) -> &'static str {
        match self {
            Trigger::PostLogin => "onExecutePostLogin",
            Trigger::PreUserRegistration => "onExecutePreUserRegistration",
            Trigger::PostUserRegistration => "onExecutePostUserRegistration",
            Trigger::PostChangePassword => "onExecutePostChangePassword",
            Trigger::CredentialsExchange => "onExecuteCredentialsExchange",
        }
    }

    /// Whether a hook's denial or failure stops what triggered it. Auth0's post-registration
    /// and post-change-password Actions run after the fact: a failure is logged, never undone.
    pub fn blocks(self) -> bool {
        matches!(
            self,
            Trigger::PostLogin | Trigger::PreUserRegistration | Trigger::CredentialsExchange
        )
    }
}

impl std::fmt::Display for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_is_found_by_its_deploy_cli_key() {
        for t in Trigger::ALL {
            assert_eq!(Trigger::from_id(t.id()), Some(t));
        }
        assert_eq!(Trigger::from_id("send-phone-message"), None);
    }

    #[test]
    fn only_login_pre_registration_and_credentials_exchange_can_stop_their_flow() {
        let blocking: Vec<_> = Trigger::ALL.into_iter().filter(|t| t.blocks()).collect();
        assert_eq!(
            blocking,
            [
                Trigger::PostLogin,
                Trigger::PreUserRegistration,
                Trigger::CredentialsExchange
            ]
        );
    }
}
