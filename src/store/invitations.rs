//! Organization invitations (`POST /api/v2/organizations/{id}/invitations`): the link an
//! invitee follows carries the invitation's ticket, and `/authorize?invitation=<ticket>` makes
//! whoever logs in with the invited address a member of the organization, with the
//! invitation's roles. An invitation works once.

use serde_json::{Map, Value};

/// An invitation as issued.
#[derive(Debug, Clone)]
pub(crate) struct Invitation {
    /// `uinv_…`, how the Management API names it.
    pub id: String,
    /// The ticket in the invitation link (`invitation=`), how `/authorize` names it.
    pub ticket_id: String,
    /// The organization the invitee joins.
    pub organization_id: String,
    /// `inviter.name`.
    pub inviter_name: String,
    /// `invitee.email`: only a user with this address may accept it.
    pub invitee_email: String,
    /// The application whose login route the link opens.
    pub client_id: String,
    /// The connection the invitee must log in with, if any.
    pub connection_id: Option<String>,
    /// Merged into the user's `app_metadata` when they accept.
    pub app_metadata: Map<String, Value>,
    /// Merged into the user's `user_metadata` when they accept.
    pub user_metadata: Map<String, Value>,
    /// Role ids the invitee gets in the organization.
    pub roles: Vec<String>,
    /// Issue time (Unix seconds).
    pub created_at: i64,
    /// Issue order, set by the store: invitations made in the same second still sort.
    pub seq: u64,
    /// Expiry (Unix seconds).
    pub expires_at: i64,
    /// The link the invitee follows.
    pub invitation_url: String,
}

impl Invitation {
    /// Whether `email` is the invited address (addresses compare without case).
    pub(crate) fn is_for(&self, email: Option<&str>) -> bool {
        email.is_some_and(|e| e.eq_ignore_ascii_case(&self.invitee_email))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invitation() -> Invitation {
        Invitation {
            id: "uinv_1".into(),
            ticket_id: "t".into(),
            organization_id: "org_1".into(),
            inviter_name: "Alice".into(),
            invitee_email: "Carol@Example.com".into(),
            client_id: "c".into(),
            connection_id: None,
            app_metadata: Map::new(),
            user_metadata: Map::new(),
            roles: Vec::new(),
            created_at: 0,
            seq: 0,
            expires_at: 10,
            invitation_url: String::new(),
        }
    }

    #[test]
    fn the_invited_address_matches_in_any_case() {
        assert!(invitation().is_for(Some("carol@example.com")));
    }

    #[test]
    fn another_address_or_none_is_not_the_invitee() {
        assert!(!invitation().is_for(Some("mallory@example.com")));
        assert!(!invitation().is_for(None));
    }
}
