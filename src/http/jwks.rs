//! Public documents: the JWKS (with `Cache-Control: max-age`, without which Hasura never
//! refreshes keys), OpenID discovery with Auth0's field list, and Auth0's `/pem` and `/cer`.

use super::extract::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// `GET /.well-known/jwks.json`: the document serialised once per key set.
pub(crate) async fn jwks(State(mock): State<AppState>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, mock.jwks_cache_control()),
        ],
        mock.keys().jwks_bytes(),
    )
        .into_response()
}

/// `GET /.well-known/openid-configuration`, in the order and with the members a real tenant
/// publishes (RS256 listed; no `authorization_response_iss_parameter_supported`).
pub(crate) async fn discovery(State(mock): State<AppState>) -> Response {
    let i = mock.issuer();
    let body = json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}authorize"),
        "token_endpoint": format!("{i}oauth/token"),
        "device_authorization_endpoint": format!("{i}oauth/device/code"),
        "userinfo_endpoint": format!("{i}userinfo"),
        "mfa_challenge_endpoint": format!("{i}mfa/challenge"),
        "jwks_uri": format!("{i}.well-known/jwks.json"),
        "registration_endpoint": format!("{i}oidc/register"),
        "revocation_endpoint": format!("{i}oauth/revoke"),
        "scopes_supported": ["openid", "profile", "offline_access", "name", "given_name", "family_name", "nickname", "email",
            "email_verified", "picture", "created_at", "identities", "phone", "address"],
        "response_types_supported": ["code", "token", "id_token", "code token", "code id_token", "token id_token", "code token id_token"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["HS256", "RS256", "PS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "claims_supported": ["aud", "auth_time", "created_at", "email", "email_verified", "exp", "family_name", "given_name", "iat",
            "identities", "iss", "name", "nickname", "phone_number", "picture", "sub"],
        "request_uri_parameter_supported": false,
        "request_parameter_supported": false,
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "RS384", "PS256"],
        "end_session_endpoint": format!("{i}oidc/logout"),
    });
    let mut r = Json(body).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=15"),
    );
    r
}

/// `GET /pem`: the signing certificate as PEM (Hasura's Auth0 configurator reads it).
pub(crate) async fn pem(State(mock): State<AppState>) -> Response {
    let pem = mock.keys().current().cert_pem();
    ([(header::CONTENT_TYPE, "application/x-pem-file")], pem).into_response()
}

/// `GET /cer`: the signing certificate as DER.
pub(crate) async fn cer(State(mock): State<AppState>) -> Response {
    let der = mock.keys().current().cert_der().to_vec();
    ([(header::CONTENT_TYPE, "application/x-x509-ca-cert")], der).into_response()
}
