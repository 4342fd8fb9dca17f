//! Token minting: claims are built ([`claims`]), a scenario edits them ([`scenario`]), and the
//! result is signed once ([`jwt::seal`]). Every token the mock hands out, to a login, a client
//! or a scenario, comes through [`user_tokens`] or [`client_token`].

pub(crate) mod claims;
pub(crate) mod jwt;
pub(crate) mod scenario;

use crate::error::OAuthError;
use crate::login::grant::Grant;
use crate::mock::Mock;
use crate::protocol::LoginFlow;
use crate::scope;
use crate::store::{OpaqueToken, RefreshGrant};
use crate::tenant::Scenario;
use jwt::{Signature, UnsignedJwt, seal};
use scenario::TokenKind;
use serde::Serialize;

/// Opaque access tokens (no API requested) live a day, or two hours from the implicit flow.
const OPAQUE_LIFETIME: i64 = 86_400;
const OPAQUE_LIFETIME_IMPLICIT: i64 = 7_200;
/// A client-credentials token for an audience that is no API (the Management API) lives a day.
const DEFAULT_CLIENT_TOKEN_LIFETIME: i64 = 86_400;

/// A token endpoint success body.
#[derive(Debug, Clone, Serialize)]
pub struct TokenSet {
    /// JWT for an API, or an opaque token usable only at `/userinfo`.
    pub access_token: String,
    /// ID token, when `openid` was granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// Refresh token, when `offline_access` was granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Granted scopes, space separated.
    pub scope: String,
    /// Seconds, a JSON number (spa-js adds it to epoch seconds).
    pub expires_in: i64,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// The user's new recovery code, after the `mfa-recovery-code` grant spent the old one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_code: Option<String>,
}

/// What to mint besides the access token.
#[derive(Debug, Default, Clone)]
pub(crate) struct MintOptions<'a> {
    /// An ID token, when `openid` is granted.
    pub id_token: bool,
    /// A refresh token, when `offline_access` is granted.
    pub refresh: bool,
    /// The refresh token continues this family (a rotation); a family revoked meanwhile makes
    /// the whole minting fail with `invalid_grant`.
    pub refresh_family: Option<u64>,
    /// The authorization code returned alongside (for `c_hash`).
    pub code: Option<&'a str>,
    /// Put `at_hash` in the ID token (implicit/hybrid with `token`).
    pub at_hash: bool,
}

/// The `typ` header of access tokens of an API's dialect.
fn access_typ(dialect: crate::protocol::TokenDialect) -> &'static str {
    if dialect.is_rfc9068() {
        "at+jwt"
    } else {
        "JWT"
    }
}

/// Mints the tokens of a completed login (with its scenario, if any).
pub(crate) fn user_tokens(
    mock: &Mock,
    grant: &Grant,
    opts: MintOptions<'_>,
) -> Result<TokenSet, OAuthError> {
    let now = mock.clock().now();
    let tenant = mock.tenant();
    let keys = mock.keys();
    let key = keys.current();
    let issuer = mock.issuer();
    let scenario = grant.scenario.as_deref();
    let api = grant.audience.as_deref().and_then(|a| tenant.api(a));
    let (access_token, expires_in) = match api {
        Some(api) => {
            let (claims, lifetime) = claims::user_access(issuer, api, grant, now);
            let mut jwt = UnsignedJwt::new(key, access_typ(api.dialect()), claims);
            let signature = scenario.map_or(Signature::VALID, |s| {
                scenario::apply(s, &mut jwt, TokenKind::Access, now)
            });
            (seal(&jwt, key, signature)?, lifetime)
        }
        None => {
            let lifetime = if grant.flow.is_implicit() {
                OPAQUE_LIFETIME_IMPLICIT
            } else {
                OPAQUE_LIFETIME
            };
            let opaque = OpaqueToken {
                user_id: grant.user.user_id.clone(),
                scope: grant.scope.clone(),
            };
            (mock.store().issue_opaque(opaque, now, lifetime), lifetime)
        }
    };
    let client = tenant.client(&grant.client_id);
    // Scenario tokens always carry an ID token, whatever their scope (as they always have).
    let wants_id = scope::has(&grant.scope, "openid") || grant.flow == LoginFlow::Minted;
    let id_token = if opts.id_token && wants_id {
        let lifetime = client.map_or(36_000, |c| c.jwt_configuration.lifetime_in_seconds);
        let at = opts.at_hash.then_some(access_token.as_str());
        let claims = claims::id_token(issuer, grant, now, lifetime, at, opts.code);
        let mut jwt = UnsignedJwt::new(key, "JWT", claims);
        if let Some(s) = scenario {
            scenario::apply(s, &mut jwt, TokenKind::Id, now);
        }
        Some(seal(&jwt, key, Signature::VALID)?)
    } else {
        None
    };
    let refresh_token = if opts.refresh && scope::has(&grant.scope, "offline_access") {
        let lifetime = client.map_or(2_592_000, |c| c.refresh_token.token_lifetime);
        let refresh = RefreshGrant {
            user_id: grant.user.user_id.clone(),
            client_id: grant.client_id.clone(),
            audience: grant.audience.clone(),
            scope: grant.scope.clone(),
            sid: grant.sid.clone(),
            organization: grant.organization.as_ref().map(|o| o.id.clone()),
        };
        let token = mock
            .store()
            .issue_refresh(&refresh, opts.refresh_family, now + lifetime, now)
            .map_err(|_| OAuthError::invalid_grant("Unknown or invalid refresh token."))?;
        Some(token)
    } else {
        None
    };
    Ok(TokenSet {
        access_token,
        id_token,
        refresh_token,
        scope: grant.scope.join(" "),
        expires_in,
        token_type: "Bearer",
        recovery_code: None,
    })
}

/// Mints a client_credentials access token for `audience` (with a scenario's edits and
/// defects, for scenario tokens).
pub(crate) fn client_token(
    mock: &Mock,
    client_id: &str,
    audience: &str,
    scope: &[String],
    custom: &claims::Claims,
    scenario: Option<&Scenario>,
) -> Result<TokenSet, OAuthError> {
    let now = mock.clock().now();
    let tenant = mock.tenant();
    let api = tenant.api(audience);
    let lifetime = api.map_or(DEFAULT_CLIENT_TOKEN_LIFETIME, |a| a.token_lifetime);
    let dialect = api.map_or(crate::protocol::TokenDialect::AccessToken, |a| a.dialect());
    let mut claims = claims::client_access(
        mock.issuer(),
        dialect,
        client_id,
        audience,
        scope,
        now,
        lifetime,
    );
    // Claims from credentials-exchange hooks: the Api already refused restricted names.
    for (k, v) in custom {
        claims.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let keys = mock.keys();
    let key = keys.current();
    let mut jwt = UnsignedJwt::new(key, access_typ(dialect), claims);
    let signature = scenario.map_or(Signature::VALID, |s| {
        scenario::apply(s, &mut jwt, TokenKind::Access, now)
    });
    Ok(TokenSet {
        access_token: seal(&jwt, key, signature)?,
        id_token: None,
        refresh_token: None,
        scope: scope.join(" "),
        expires_in: lifetime,
        token_type: "Bearer",
        recovery_code: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::TokenDialect;

    #[test]
    fn rfc9068_access_tokens_are_typed_at_jwt() {
        assert_eq!(access_typ(TokenDialect::Rfc9068Profile), "at+jwt");
        assert_eq!(access_typ(TokenDialect::Rfc9068ProfileAuthz), "at+jwt");
        assert_eq!(access_typ(TokenDialect::AccessToken), "JWT");
    }
}
