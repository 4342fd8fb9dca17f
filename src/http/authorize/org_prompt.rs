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

fn prompts(client: &Client, req: &AuthorizeRequest, when: OrganizationRequireBehavior) -> bool {
    req.organization.is_none()
        && client.organization_usage == OrganizationUsage::Require
        && client.organization_require_behavior == when
}

/// Whether `req` must first go through the selection screen (`pre_login_prompt`).
pub(crate) fn selection_due(tenant: &Tenant, req: &AuthorizeRequest) -> bool {
    tenant
        .client(&req.client_id)
        .is_some_and(|c| prompts(c, req, OrganizationRequireBehavior::PreLoginPrompt))
}

/// Whether the signed-in user must pick the organization before the login completes
/// (`post_login_prompt`).
pub(crate) fn picker_due(client: &Client, req: &AuthorizeRequest) -> bool {
    prompts(client, req, OrganizationRequireBehavior::PostLoginPrompt)
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
