//! The HTTP surface: one module per endpoint at Auth0's paths, the extractors and replies they
//! share, and the cross-cutting layers (request log, CORS, injected faults, `no-store`).

mod account;
mod account_pages;
mod action_test;
mod authorize;
mod client_auth;
mod control;
mod cors;
mod cross_origin;
mod dashboard;
mod dbconnections;
mod extract;
mod in_process;
mod jwks;
mod layers;
mod login_page;
mod logout;
mod management;
mod mfa;
mod mfa_grant;
mod mfa_oob_page;
mod mfa_page;
mod organization_prompt;
mod overview;
mod pages;
mod params;
mod passwordless;
mod passwordless_page;
mod reply;
mod respond;
mod revoke;
mod session;
mod session_link;
mod signup_page;
mod social;
mod token;
mod token_debugger;
mod trust;
mod userinfo;

pub use management::RULES as MANAGEMENT_ENDPOINTS;

use crate::error::OAuthError;
use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};
use extract::AppState;

/// Builds the router for a mock.
pub(crate) fn router(mock: AppState) -> Router {
    mock.serve_locally(std::sync::Arc::new(in_process::InProcess {
        mock: std::sync::Arc::downgrade(&mock),
        router,
    }));
    Router::new()
        .route("/authorize", get(authorize::authorize))
        .route("/authorize/resume", get(authorize::resume))
        .route(
            "/continue",
            get(authorize::continue_login).post(authorize::continue_login),
        )
        .route("/u/login", get(login_page::show).post(login_page::submit))
        .route(
            "/u/organization",
            get(organization_prompt::show_selection).post(organization_prompt::submit_selection),
        )
        .route(
            "/u/organization-picker",
            get(organization_prompt::show_picker).post(organization_prompt::submit_picker),
        )
        .route(
            "/u/signup",
            get(signup_page::show).post(signup_page::submit),
        )
        .route("/u/email-verification", get(account::verify_email))
        .route("/u/reset-verify", get(account::reset_verify))
        .route(
            "/u/reset-password/change",
            get(account::reset_form).post(account::reset_submit),
        )
        .route(
            "/dbconnections/signup",
            post(dbconnections::signup).options(cors::preflight),
        )
        .route(
            "/co/authenticate",
            post(cross_origin::authenticate).options(cors::preflight),
        )
        .route(
            "/passwordless/start",
            post(passwordless::start).options(cors::preflight),
        )
        .route(
            "/passwordless/verify_redirect",
            get(authorize::verify_redirect),
        )
        .route(
            "/u/login/passwordless",
            get(passwordless_page::show_identifier).post(passwordless_page::submit_identifier),
        )
        .route(
            "/u/mfa-otp-challenge",
            get(mfa_page::show_challenge).post(mfa_page::submit_challenge),
        )
        .route(
            "/u/mfa-sms-challenge",
            get(mfa_oob_page::show_sms).post(mfa_oob_page::submit_sms),
        )
        .route(
            "/u/mfa-email-challenge",
            get(mfa_oob_page::show_email).post(mfa_oob_page::submit_email),
        )
        .route(
            "/u/mfa-recovery-code-challenge",
            get(mfa_page::show_recovery).post(mfa_page::submit_recovery),
        )
        .route(
            "/u/mfa-recovery-code-challenge-new-code",
            post(mfa_page::confirm_new_code),
        )
        .route(
            "/u/mfa-otp-enrollment",
            get(mfa_page::show_enrollment).post(mfa_page::submit_enrollment),
        )
        .route(
            "/u/mfa-recovery-code-enrollment",
            post(mfa_page::confirm_enrollment),
        )
        .route(
            "/mock-provider/{connection}",
            get(social::show).post(social::submit),
        )
        .route("/mfa/authenticators", get(mfa::authenticators))
        .route("/mfa/challenge", post(mfa::challenge))
        .route("/mfa/associate", post(mfa::associate))
        .route(
            "/u/login-passwordless-email-code",
            get(passwordless_page::show_code).post(passwordless_page::submit_code),
        )
        .route(
            "/u/login-passwordless-sms-otp",
            get(passwordless_page::show_code).post(passwordless_page::submit_code),
        )
        .route(
            "/dbconnections/change_password",
            post(dbconnections::change_password).options(cors::preflight),
        )
        .route("/oauth/token", post(token::token).options(cors::preflight))
        .route(
            "/oauth/revoke",
            post(revoke::revoke).options(cors::preflight),
        )
        .route(
            "/userinfo",
            get(userinfo::userinfo)
                .post(userinfo::userinfo)
                .options(cors::preflight),
        )
        .route("/.well-known/jwks.json", get(jwks::jwks))
        .route("/.well-known/openid-configuration", get(jwks::discovery))
        .route("/pem", get(jwks::pem))
        .route("/cer", get(jwks::cer))
        .route("/v2/logout", get(logout::v2_logout))
        .route(
            "/oidc/logout",
            get(logout::oidc_logout).post(logout::oidc_logout_post),
        )
        .route("/healthz", get(healthz))
        .route("/__mock/login/{link}", get(session_link::visit))
        .merge(management::routes(mock.clone()))
        .merge(control::routes(mock.clone()))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(mock.clone(), cors::cors))
        .layer(middleware::from_fn_with_state(mock.clone(), layers::around))
        .with_state(mock)
}

async fn healthz() -> &'static str {
    "OK"
}

async fn not_found() -> OAuthError {
    OAuthError::not_found("Not found")
}

async fn method_not_allowed() -> OAuthError {
    OAuthError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "invalid_request",
        "Method not allowed on this endpoint",
    )
}
