//! Auth0's Management API (`/api/v2`), the parts tests and backends use: users and their
//! search, roles and permissions, clients, client grants, APIs, connections, import jobs,
//! tickets, stats and organizations (members, their roles, invitations), with Auth0's paths, bodies, status codes and error shapes. Callers need
//! a Management API token with the endpoint's scope ([`access`]); changes are live, so the
//! next login sees them.

mod access;
mod apps;
mod authorization;
mod connections;
mod invitations;
mod jobs;
mod organization_members;
mod organizations;
mod paging;
mod roles;
mod rules;
mod stats;
mod tickets;
mod user_access;
mod user_factors;
mod users;

pub use rules::RULES;

use crate::http::extract::AppState;
use axum::Router;
use axum::middleware;

/// Every Management API route, behind the token and scope check.
pub(crate) fn routes(mock: AppState) -> Router<AppState> {
    Router::new()
        .merge(users::routes())
        .merge(user_factors::routes())
        .merge(user_access::routes())
        .merge(roles::routes())
        .merge(apps::routes())
        .merge(connections::routes())
        .merge(jobs::routes())
        .merge(stats::routes())
        .merge(tickets::routes())
        .merge(organizations::routes())
        .merge(organization_members::routes())
        .merge(invitations::routes())
        .route_layer(middleware::from_fn_with_state(mock, access::guard))
}
