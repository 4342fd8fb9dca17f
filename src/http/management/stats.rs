//! `GET /api/v2/stats/active-users`: how many users logged in during the last 30 days (of the
//! mock's clock), as a bare number like Auth0's.

use crate::http::extract::AppState;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

/// Auth0's window for an "active" user.
const ACTIVE_WINDOW: i64 = 30 * 86_400;

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v2/stats/active-users", get(active_users))
}

async fn active_users(State(mock): State<AppState>) -> Json<usize> {
    let since = mock.clock().now() - ACTIVE_WINDOW;
    Json(mock.store().active_users_since(since))
}
