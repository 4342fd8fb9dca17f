//! The organization a login goes into, as the login carries it from the membership check
//! (`membership`) to the grant, across a redirect Action's pause.

/// The organization a login goes into.
#[derive(Debug, Clone)]
pub(crate) struct OrgLogin {
    /// Its id (`org_id`).
    pub id: String,
    /// The user's organization roles (names), which replace their tenant roles in the login.
    pub roles: Vec<String>,
    /// How the user becomes a member, when they are not one yet.
    pub joins: Option<Joining>,
}

/// How a login makes its user a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Joining {
    /// Their connection assigns membership on login.
    OnLogin,
    /// They accept the invitation with this ticket.
    Invitation(String),
}
