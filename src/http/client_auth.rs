//! Client authentication, one rule for every endpoint that takes it (the token endpoint and
//! revocation): `client_secret_basic`, `client_secret_post`, or nothing for public clients.
//! The credentials are read first ([`Credentials::read`]), then checked against the tenant
//! ([`authenticate`]).

use super::params::Params;
use crate::error::OAuthError;
use crate::tenant::{Client, Tenant};
use crate::util::constant_time_eq;
use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine as _;

/// What the request presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    /// The client id (from Basic or the body).
    pub client_id: String,
    /// The secret, if any was presented.
    pub secret: Option<String>,
}

impl Credentials {
    /// Reads HTTP Basic credentials (form-urlencoded before base64, as RFC 6749 §2.3.1 says and
    /// openid-client does) or `client_id`/`client_secret` from the body. A body `client_id`
    /// that contradicts Basic is refused.
    pub(crate) fn read(headers: &HeaderMap, params: &Params) -> Result<Self, OAuthError> {
        if let Some((id, secret)) = basic(headers)? {
            if params.get("client_id").is_some_and(|body_id| body_id != id) {
                return Err(OAuthError::invalid_request(
                    "client_id in the body does not match the Authorization header",
                ));
            }
            return Ok(Self {
                client_id: id,
                secret: Some(secret),
            });
        }
        Ok(Self {
            client_id: params.require("client_id")?.to_string(),
            secret: params.get("client_secret").map(str::to_string),
        })
    }
}

/// `Authorization: Basic …`, decoded, if present.
fn basic(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(encoded) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    else {
        return Ok(None);
    };
    let malformed = || OAuthError::invalid_request("Malformed Basic authorization header");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(malformed)?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    Ok(Some((form_decode(id), form_decode(secret))))
}

fn form_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The client the credentials authenticate: public clients need no secret, confidential ones
/// the right one. Auth0's answers: unknown client 401 `invalid_client`, wrong secret 401
/// `access_denied` "Unauthorized".
pub(crate) fn authenticate<'t>(
    tenant: &'t Tenant,
    credentials: &Credentials,
) -> Result<&'t Client, OAuthError> {
    let client = tenant.client(&credentials.client_id).ok_or_else(|| {
        OAuthError::invalid_client(format!("Unknown client: {}", credentials.client_id))
    })?;
    if client.is_public() {
        return Ok(client);
    }
    match (&credentials.secret, &client.client_secret) {
        (None, _) => Err(OAuthError::invalid_client(
            "Client authentication is required: send client_secret (client_secret_post) or use HTTP Basic",
        )),
        (Some(given), Some(expected)) if constant_time_eq(given, expected) => Ok(client),
        _ => Err(OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "access_denied",
            "Unauthorized",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic_header(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        let encoded = base64::engine::general_purpose::STANDARD.encode(value);
        h.insert(
            header::AUTHORIZATION,
            format!("Basic {encoded}").parse().unwrap(),
        );
        h
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let c = Credentials::read(
            &basic_header("auth0%2Dmock%2Dweb:s%3Acret"),
            &Params::default(),
        )
        .unwrap();
        assert_eq!(c.client_id, "auth0-mock-web");
        assert_eq!(c.secret.as_deref(), Some("s:cret"));
    }

    #[test]
    fn a_body_client_id_contradicting_basic_is_refused() {
        let params = Params::from_form(b"client_id=other").unwrap();
        assert!(Credentials::read(&basic_header("web:secret"), &params).is_err());
    }

    #[test]
    fn a_confidential_client_needs_its_secret() {
        let t = crate::tenant::load_embedded().unwrap();
        let creds = |secret: Option<&str>| Credentials {
            client_id: "auth0-mock-web".into(),
            secret: secret.map(str::to_string),
        };
        assert!(authenticate(&t, &creds(Some("auth0-mock-web-secret"))).is_ok());
        assert_eq!(
            authenticate(&t, &creds(Some("wrong"))).unwrap_err().code,
            "access_denied"
        );
        assert_eq!(
            authenticate(&t, &creds(None)).unwrap_err().code,
            "invalid_client"
        );
        let spa = Credentials {
            client_id: "auth0-mock-spa".into(),
            secret: None,
        };
        assert!(authenticate(&t, &spa).is_ok());
    }
}
