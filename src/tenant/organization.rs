//! Organizations (`organizations:` in Deploy CLI shape) and how a client uses them: B2B apps
//! log users into an organization, and the tokens say which (`org_id`, `org_name`).
//!
//! Members and their organization roles are mock-only (`members:` on the organization), as
//! Auth0 keeps memberships outside the export.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// An organization.
#[derive(Debug, Clone, Deserialize)]
pub struct Organization {
    /// `org_…`; derived from the name at load when absent, so tests can rely on it.
    #[serde(default)]
    pub id: String,
    /// The name (lower case, as Auth0 requires; also accepted by `/authorize` when the tenant
    /// allows names).
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Branding (logo, colors), kept as given.
    #[serde(default)]
    pub branding: Value,
    /// Metadata (`event.organization.metadata`).
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// The connections enabled for it (by name).
    #[serde(default)]
    pub connections: Vec<OrgConnection>,
    /// Mock-only: the members, by email or user id, with their organization roles.
    #[serde(default)]
    pub members: Vec<OrgMember>,
}

/// A connection enabled for an organization.
#[derive(Debug, Clone, Deserialize)]
pub struct OrgConnection {
    /// The connection's name.
    pub name: String,
    /// Users of this connection become members at their first login into the organization.
    #[serde(default)]
    pub assign_membership_on_login: bool,
    /// Accepted, shown as a button on Auth0's login page.
    #[serde(default)]
    pub show_as_button: Option<bool>,
    /// Accepted: whether sign-up through this organization is open.
    #[serde(default)]
    pub is_signup_enabled: Option<bool>,
}

/// A member of an organization (mock-only).
#[derive(Debug, Clone, Deserialize)]
pub struct OrgMember {
    /// The user, by email or user id (resolved to the id at load).
    pub user: String,
    /// Role names within the organization (tenant roles).
    #[serde(default)]
    pub roles: Vec<String>,
}

impl Organization {
    /// `event.organization`, as Actions see it.
    pub fn to_event_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "display_name": self.display_name.clone().unwrap_or_else(|| self.name.clone()),
            "metadata": self.metadata,
        })
    }

    /// The organization as the Management API shows it (branding only when it has some).
    pub fn to_management_json(&self) -> Value {
        let mut o = json!({
            "id": self.id,
            "name": self.name,
            "display_name": self.display_name.clone().unwrap_or_else(|| self.name.clone()),
            "metadata": self.metadata,
        });
        if !self.branding.is_null() {
            o["branding"] = self.branding.clone();
        }
        o
    }

    /// Makes `user_id` a member (if they are not one) and gives them `roles` in addition to
    /// those they hold.
    pub fn add_member(&mut self, user_id: &str, roles: &[String]) {
        let at = match self.members.iter().position(|m| m.user == user_id) {
            Some(i) => i,
            None => {
                self.members.push(OrgMember {
                    user: user_id.to_string(),
                    roles: Vec::new(),
                });
                self.members.len() - 1
            }
        };
        let member = &mut self.members[at];
        for r in roles {
            if !member.roles.contains(r) {
                member.roles.push(r.clone());
            }
        }
    }

    /// The member entry of `user_id`, if they are one.
    pub fn member(&self, user_id: &str) -> Option<&OrgMember> {
        self.members.iter().find(|m| m.user == user_id)
    }

    /// Renames the tenant role `old` in every membership (memberships hold role names), or
    /// takes it away when the role is deleted (`new` is `None`).
    pub fn rename_role(&mut self, old: &str, new: Option<&str>) {
        for m in &mut self.members {
            match new {
                Some(n) => m
                    .roles
                    .iter_mut()
                    .filter(|r| *r == old)
                    .for_each(|r| *r = n.into()),
                None => m.roles.retain(|r| r != old),
            }
        }
    }

    /// Ends the membership of `user_id` (a deleted user is nobody's member).
    pub fn remove_member(&mut self, user_id: &str) {
        self.members.retain(|m| m.user != user_id);
    }

    /// The enabled connection `name`, if enabled.
    pub fn connection(&self, name: &str) -> Option<&OrgConnection> {
        self.connections.iter().find(|c| c.name == name)
    }
}

/// A client's `organization_usage`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrganizationUsage {
    /// No organization logins (Auth0's default).
    #[default]
    Deny,
    /// With or without an organization.
    Allow,
    /// Only into an organization.
    Require,
}

/// A client's `organization_require_behavior`, for `require` clients sent no organization.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationRequireBehavior {
    /// Refuse the request (Auth0's default).
    #[default]
    NoPrompt,
    /// Ask for the organization's name before the credentials (`/u/organization`).
    PreLoginPrompt,
    /// Ask after the credentials: the user picks one of their organizations
    /// (`/u/organization-picker`).
    PostLoginPrompt,
}

impl OrganizationRequireBehavior {
    /// The value as Auth0 spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoPrompt => "no_prompt",
            Self::PreLoginPrompt => "pre_login_prompt",
            Self::PostLoginPrompt => "post_login_prompt",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> Organization {
        serde_json::from_value(json!({
            "id": "org_1", "name": "o",
            "members": [{"user": "auth0|a", "roles": ["user"]}],
        }))
        .unwrap()
    }

    #[test]
    fn a_renamed_role_is_renamed_in_the_memberships_and_a_deleted_one_removed() {
        let mut o = org();
        o.rename_role("user", Some("member"));
        assert_eq!(o.members[0].roles, vec!["member"]);
        o.rename_role("member", None);
        assert!(o.members[0].roles.is_empty());
    }

    #[test]
    fn adding_a_member_twice_keeps_one_entry_with_both_roles() {
        let mut o = org();
        o.add_member("auth0|a", &["admin".into(), "user".into()]);
        assert_eq!(o.members.len(), 1);
        assert_eq!(o.members[0].roles, vec!["user", "admin"]);
    }

    #[test]
    fn a_new_member_gets_the_roles_given() {
        let mut o = org();
        o.add_member("auth0|b", &[]);
        assert_eq!(o.member("auth0|b").map(|m| m.roles.len()), Some(0));
    }
}
