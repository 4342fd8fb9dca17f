//! The one place where errors become responses: Auth0's JSON errors, its HTML error page, the
//! Management API's error body, and `/authorize` errors sent back to the application.

use super::pages;
use super::reply::{AuthorizeError, AuthorizeRefusal, html};
use crate::error::{DbConnectionError, ErrorPage, ManagementError, OAuthError};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(target: "auth0_mock::http", error = %self.code, description = %self.description, "request failed");
        } else {
            tracing::info!(target: "auth0_mock::http", error = %self.code, description = %self.description, "request refused");
        }
        let mut body = json!({ "error": self.code, "error_description": self.description });
        if let Some(token) = &self.mfa_token {
            body["mfa_token"] = json!(token);
        }
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED && self.code == "invalid_token" {
            let value = format!(
                "Bearer error=\"invalid_token\", error_description=\"{}\"",
                self.description.replace('"', "'")
            );
            if let Ok(v) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
        }
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        tracing::info!(target: "auth0_mock::http", error = self.error, description = %self.description, "error page");
        html(
            StatusCode::BAD_REQUEST,
            pages::error_page(self.error, &self.description),
        )
    }
}

impl IntoResponse for ManagementError {
    fn into_response(self) -> Response {
        let reason = self.status.canonical_reason().unwrap_or("Error");
        let mut body = json!({
            "statusCode": self.status.as_u16(),
            "error": reason,
            "message": self.message,
        });
        // Auth0's 401s carry no `errorCode`.
        if !self.error_code.is_empty() {
            body["errorCode"] = json!(self.error_code);
        }
        (self.status, Json(body)).into_response()
    }
}

impl IntoResponse for DbConnectionError {
    fn into_response(self) -> Response {
        tracing::info!(target: "auth0_mock::http", name = self.name, code = %self.code, "request refused");
        let mut body = serde_json::Map::new();
        body.insert("name".into(), json!(self.name));
        body.insert("code".into(), json!(self.code));
        body.insert("description".into(), self.description);
        for (k, v) in self.extra {
            body.insert(k, v);
        }
        body.insert("statusCode".into(), json!(self.status.as_u16()));
        (self.status, Json(serde_json::Value::Object(body))).into_response()
    }
}

impl IntoResponse for AuthorizeError {
    fn into_response(self) -> Response {
        tracing::info!(target: "auth0_mock::http", error = %self.error.code, description = %self.error.description, "authorize error sent to the application");
        self.reply.deliver(vec![
            ("error".into(), self.error.code.into_owned()),
            ("error_description".into(), self.error.description),
        ])
    }
}

impl IntoResponse for AuthorizeRefusal {
    fn into_response(self) -> Response {
        match self {
            Self::Page(page) => page.into_response(),
            Self::Redirect(error) => error.into_response(),
        }
    }
}
