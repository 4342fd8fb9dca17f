//! Whether a user may log into an organization, with which roles, and whether the login makes
//! them a member: members log in with their organization roles; a user of a connection that
//! assigns membership on login, or one accepting an invitation sent to their address, becomes
//! a member when the login is granted (not before, so a denied login changes nothing).

use super::org_login::{Joining, OrgLogin};
use crate::mock::Mock;
use crate::tenant::{Organization, Tenant, User};

/// Why the user may not log into the organization (an `access_denied` reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Refused(pub String);

/// The organization `id` for `user`, logging in through `connection`, or why they may not:
/// the organization must enable the connection, and the user must be a member, be invited
/// (`invitation`, a ticket sent to their address), or have a connection that assigns
/// membership on login.
pub(crate) fn membership<'t>(
    mock: &Mock,
    tenant: &'t Tenant,
    id: &str,
    invitation: Option<&str>,
    user: &User,
    connection: &str,
) -> Result<(&'t Organization, OrgLogin), Refused> {
    let org = tenant
        .organizations
        .iter()
        .find(|o| o.id == id)
        .ok_or_else(|| Refused(format!("the organization {id} no longer exists")))?;
    let Some(enabled) = org.connection(connection) else {
        return Err(Refused(format!(
            "the connection {connection} is not enabled for the {id} organization"
        )));
    };
    let held = org.member(&user.user_id).map(|m| m.roles.clone());
    let (roles, joins) = match (invitation, held) {
        (Some(ticket), held) => {
            let invited = invited_roles(mock, tenant, org, ticket, user, connection)?;
            let mut roles = held.unwrap_or_default();
            for r in invited {
                if !roles.contains(&r) {
                    roles.push(r);
                }
            }
            (roles, Some(Joining::Invitation(ticket.to_string())))
        }
        (None, Some(roles)) => (roles, None),
        (None, None) if enabled.assign_membership_on_login => (Vec::new(), Some(Joining::OnLogin)),
        (None, None) => {
            return Err(Refused(format!(
                "user {} is not part of the {id} organization",
                user.user_id
            )));
        }
    };
    Ok((
        org,
        OrgLogin {
            id: org.id.clone(),
            roles,
            joins,
        },
    ))
}

/// The role names the invitation `ticket` gives `user`. An invitation accepted by another
/// account is spent, as in Auth0.
fn invited_roles(
    mock: &Mock,
    tenant: &Tenant,
    org: &Organization,
    ticket: &str,
    user: &User,
    connection: &str,
) -> Result<Vec<String>, Refused> {
    let now = mock.clock().now();
    let invitation = mock
        .store()
        .invitation_by_ticket(ticket, now)
        .filter(|i| i.organization_id == org.id)
        .ok_or_else(|| Refused("the invitation was already accepted or has expired".into()))?;
    if !invitation.is_for(user.email.as_deref()) {
        mock.store().take_invitation(ticket, now);
        return Err(Refused(
            "the specified account is not allowed to accept the current invitation".into(),
        ));
    }
    if let Some(wanted) = &invitation.connection_id {
        let used = tenant.connection(connection).and_then(|c| c.id.as_deref());
        if used != Some(wanted.as_str()) {
            return Err(Refused(format!(
                "the invitation must be accepted through the connection {wanted}"
            )));
        }
    }
    Ok(invitation
        .roles
        .iter()
        .filter_map(|id| tenant.role_by_id(id).map(|r| r.name.clone()))
        .collect())
}

/// Makes the user a member as `org` says, now that the login is granted: an accepted
/// invitation is spent, verifies their address and adds its metadata.
pub(crate) fn join(mock: &Mock, user_id: &str, org: &OrgLogin) -> Result<(), Refused> {
    let Some(joining) = &org.joins else {
        return Ok(());
    };
    let now = mock.clock().now();
    // Checked before the invitation is spent: a login into an organization deleted meanwhile
    // changes nothing.
    if !mock.tenant().organizations.iter().any(|o| o.id == org.id) {
        return Err(Refused(format!(
            "the organization {} no longer exists",
            org.id
        )));
    }
    if let Joining::Invitation(ticket) = joining {
        let invitation = mock
            .store()
            .take_invitation(ticket, now)
            .ok_or_else(|| Refused("the invitation was already accepted or has expired".into()))?;
        mock.store().apply_metadata(
            user_id,
            &invitation.app_metadata,
            &invitation.user_metadata,
            now,
        );
        if let Err(e) = mock.store().verify_email(user_id, now) {
            tracing::info!(user = %user_id, error = %e, "the invitee's address was not marked verified");
        }
    }
    mock.edit_tenant(|t| {
        let o = t
            .organizations
            .iter_mut()
            .find(|o| o.id == org.id)
            .ok_or_else(|| Refused(format!("the organization {} no longer exists", org.id)))?;
        o.add_member(user_id, &org.roles);
        Ok(())
    })
}
