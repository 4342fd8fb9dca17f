//! The token endpoint's refusals: Auth0's status, `error` and `error_description` for each.

use crate::support::*;
use reqwest::StatusCode;

#[tokio::test]
async fn each_refused_token_request_gets_auth0s_status_error_and_description() {
    let server = start().await;
    let base = server.base_url();
    type Case<'a> = (Vec<(&'a str, &'a str)>, StatusCode, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", M2M),
                ("client_secret", "wrong"),
                ("audience", API),
            ],
            StatusCode::UNAUTHORIZED,
            "access_denied",
            "Unauthorized",
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", M2M),
                ("client_secret", M2M_SECRET),
                ("audience", "https://nope"),
            ],
            StatusCode::FORBIDDEN,
            "access_denied",
            "Service not found: https://nope",
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", WEB),
                ("client_secret", WEB_SECRET),
                ("audience", API),
            ],
            StatusCode::FORBIDDEN,
            "unauthorized_client",
            "Grant type 'client_credentials' not allowed for the client.",
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", "nobody"),
                ("client_secret", "x"),
                ("audience", API),
            ],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Unknown client: nobody",
        ),
        (
            vec![
                ("grant_type", "magic"),
                ("client_id", M2M),
                ("client_secret", M2M_SECRET),
            ],
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant type: magic",
        ),
        (
            vec![("client_id", M2M)],
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: grant_type",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("client_id", SPA),
                ("code", "garbage"),
                ("code_verifier", VERIFIER),
            ],
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Invalid authorization code",
        ),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("client_id", SPA),
                ("refresh_token", "garbage"),
            ],
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Unknown or invalid refresh token.",
        ),
        (
            vec![
                ("grant_type", "password"),
                ("client_id", WEB),
                ("client_secret", WEB_SECRET),
                ("username", "alice@example.com"),
                ("password", "bad"),
            ],
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Wrong email or password.",
        ),
        (
            vec![
                ("grant_type", "password"),
                ("client_id", SPA),
                ("username", "alice@example.com"),
                ("password", "alice-password"),
            ],
            StatusCode::FORBIDDEN,
            "unauthorized_client",
            "Grant type 'password' not allowed for the client.",
        ),
    ];
    for (form, status, error, description) in cases {
        let (s, body) = token(&base, &form).await;
        assert_eq!(
            (
                s,
                body["error"].as_str(),
                body["error_description"].as_str()
            ),
            (status, Some(error), Some(description)),
            "{form:?}"
        );
    }
    server.shutdown().await;
}
