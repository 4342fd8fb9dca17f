//! When a client that requires an organization and was sent none prompts for it
//! (`organization_require_behavior`): the selection screen before the credentials, or the
//! picker after them. The screens themselves are `http::organization_prompt`.

use crate::error::OAuthError;
use crate::http::reply::{found, urlencode};
use crate::login::request::AuthorizeRequest;
use crate::mock::Mock;
use crate::tenant::{Client, Organization, OrganizationRequireBehavior, OrganizationUsage, Tenant};
use axum::response::Response;

/// How many organizations the picker lists, as Auth0's.
const PICKER_MAX: usize = 20;

/// Whether `req` must first go through the selection screen (`pre_login_prompt`).
pub(crate) fn selection_due(tenant: &Tenant, req: &AuthorizeRequest) -> bool {
    tenant.client(&req.client_id).is_some_and(|c| {
        req.organization.is_none()
            && c.organization_usage == OrganizationUsage::Require
            && c.organization_require_behavior == OrganizationRequireBehavior::PreLoginPrompt
    })
}

/// Where a login about to complete without the organization its client requires goes: the
/// picker (`post_login_prompt`), the selection screen (`pre_login_prompt`, for a login that
/// reached the end some other way than `/authorize`), or Auth0's error. `None` when nothing is
/// missing. The check every login passes, whichever way it came.
pub(crate) fn missing_organization(
    mock: &Mock,
    client: &Client,
    req: AuthorizeRequest,
    user_id: &str,
) -> OrgCheck {
    if req.organization.is_some() || client.organization_usage != OrganizationUsage::Require {
        return OrgCheck::Complete(Box::new(req));
    }
    OrgCheck::Prompted(match client.organization_require_behavior {
        OrganizationRequireBehavior::PostLoginPrompt => to_picker(mock, req, user_id),
        OrganizationRequireBehavior::PreLoginPrompt => Ok(to_selection(mock, req)),
        OrganizationRequireBehavior::NoPrompt => Err(OAuthError::invalid_request(
            "parameter organization is required for this client",
        )),
    })
}

/// What [`missing_organization`] found.
pub(crate) enum OrgCheck {
    /// Nothing is missing: the login completes.
    Complete(Box<AuthorizeRequest>),
    /// The browser goes to a prompt, or the application gets the error.
    Prompted(Result<Response, OAuthError>),
}

/// Parks `req` and sends the browser to the selection screen.
pub(crate) fn to_selection(mock: &Mock, req: AuthorizeRequest) -> Response {
    let location = format!("/u/organization?state={}", urlencode(&req.transaction_id));
    mock.store()
        .park_login(req, mock.clock().now(), crate::store::PARKED_SECS);
    found(&location)
}

/// Parks `req` and sends the browser to the picker of `user_id`'s organizations; a user who
/// is a member of none cannot go on, and the application is told so.
pub(crate) fn to_picker(
    mock: &Mock,
    req: AuthorizeRequest,
    user_id: &str,
) -> Result<Response, OAuthError> {
    if organizations_of(&mock.tenant(), user_id).is_empty() {
        return Err(OAuthError::access_denied(
            "the user is not a member of any organization, and the application requires one",
        ));
    }
    let location = format!(
        "/u/organization-picker?state={}",
        urlencode(&req.transaction_id)
    );
    mock.store()
        .park_login(req, mock.clock().now(), crate::store::PARKED_SECS);
    Ok(found(&location))
}

pub(crate) fn organizations_of<'t>(tenant: &'t Tenant, user_id: &str) -> Vec<&'t Organization> {
    tenant
        .organizations
        .iter()
        .filter(|o| o.member(user_id).is_some())
        .take(PICKER_MAX)
        .collect()
}
