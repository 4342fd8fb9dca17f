//! OAuth 2.0 / OpenID Connect values as types, so a typo is a compile error and every place that
//! reads a request parameter or a fixture setting agrees on what the values are.
//!
//! Parsing is strict where Auth0 is strict (an unknown `response_mode` is an error naming it) and
//! the wire spelling of each value lives next to its variant, once.

mod trigger;

pub use trigger::Trigger;

use crate::util::{b64url, constant_time_eq, sha256};
use std::fmt;

/// A value that is not one of a protocol parameter's known values; the payload is what was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown(pub String);

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as it appears on the wire and in fixtures.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = Unknown;

            fn from_str(s: &str) -> Result<Self, Unknown> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    other => Err(Unknown(other.to_string())),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(|Unknown(v)| {
                    let known: Vec<&str> = $name::ALL.iter().map(|x| x.as_str()).collect();
                    serde::de::Error::custom(format!(
                        "unknown value '{v}' (expected one of: {})",
                        known.join(", ")
                    ))
                })
            }
        }
    };
}

wire_enum! {
    /// `grant_type` values a client may be configured with. The token endpoint serves the first
    /// five; the others are accepted in fixtures (Auth0 exports carry them) and refused at the
    /// endpoint as unsupported.
    GrantType {
        /// The code flow.
        AuthorizationCode = "authorization_code",
        /// Refresh-token exchange.
        RefreshToken = "refresh_token",
        /// Machine-to-machine.
        ClientCredentials = "client_credentials",
        /// Resource owner password.
        Password = "password",
        /// Password grant against a named connection.
        PasswordRealm = "http://auth0.com/oauth/grant-type/password-realm",
        /// Implicit flow (only a client setting: it has no token-endpoint exchange).
        Implicit = "implicit",
        /// Passwordless one-time code.
        PasswordlessOtp = "http://auth0.com/oauth/grant-type/passwordless/otp",
        /// MFA out-of-band.
        MfaOob = "http://auth0.com/oauth/grant-type/mfa-oob",
        /// MFA one-time password.
        MfaOtp = "http://auth0.com/oauth/grant-type/mfa-otp",
        /// MFA recovery code.
        MfaRecoveryCode = "http://auth0.com/oauth/grant-type/mfa-recovery-code",
        /// Device authorization.
        DeviceCode = "urn:ietf:params:oauth:grant-type:device_code",
        /// Client-initiated backchannel authentication.
        Ciba = "urn:openid:params:grant-type:ciba",
        /// Custom token exchange.
        TokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange",
        /// Token exchange for a federated connection's access token.
        FederatedTokenExchange = "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token",
    }
}

wire_enum! {
    /// An out-of-band MFA channel (`oob_channel`): where the mock's outbox delivers the code a
    /// user types back (`binding_code`). Voice and push (`auth0`) have no offline stand-in.
    OobChannel {
        /// A text message to the user's phone.
        Sms = "sms",
        /// An email.
        Email = "email",
    }
}

wire_enum! {
    /// `response_mode`: how `/authorize` hands its result back.
    ResponseMode {
        /// Query string of the callback.
        Query = "query",
        /// Fragment of the callback.
        Fragment = "fragment",
        /// An auto-submitting form posted to the callback.
        FormPost = "form_post",
        /// `postMessage` to the opener or parent (spa-js silent auth and popups).
        WebMessage = "web_message",
    }
}

wire_enum! {
    /// One `prompt` value.
    Prompt {
        /// Never show a page: fail with `login_required` instead.
        None = "none",
        /// Authenticate again even with a session.
        Login = "login",
        /// Ask for consent (the mock has nothing to ask).
        Consent = "consent",
        /// Let the user pick an account.
        SelectAccount = "select_account",
    }
}

wire_enum! {
    /// PKCE `code_challenge_method`.
    PkceMethod {
        /// SHA-256 of the verifier, base64url.
        S256 = "S256",
        /// The verifier itself.
        Plain = "plain",
    }
}

wire_enum! {
    /// Refresh-token rotation of a client (`refresh_token.rotation_type`).
    RotationType {
        /// Every exchange returns a new token and spends the old one.
        Rotating = "rotating",
        /// The same token keeps working until it expires.
        NonRotating = "non-rotating",
    }
}

wire_enum! {
    /// A resource server's access-token profile (`token_dialect`).
    TokenDialect {
        /// Auth0's profile: `azp`, `gty`, header `typ: JWT`.
        AccessToken = "access_token",
        /// Auth0's profile plus `permissions`.
        AccessTokenAuthz = "access_token_authz",
        /// RFC 9068: `client_id`, `jti`, no `gty`, header `typ: at+jwt`.
        Rfc9068Profile = "rfc9068_profile",
        /// RFC 9068 plus `permissions`.
        Rfc9068ProfileAuthz = "rfc9068_profile_authz",
    }
}

impl TokenDialect {
    /// Whether tokens carry the `permissions` claim.
    pub fn has_permissions(self) -> bool {
        matches!(self, Self::AccessTokenAuthz | Self::Rfc9068ProfileAuthz)
    }

    /// Whether tokens follow RFC 9068 (`client_id`, `jti`, `typ: at+jwt`, no `gty`).
    pub fn is_rfc9068(self) -> bool {
        matches!(self, Self::Rfc9068Profile | Self::Rfc9068ProfileAuthz)
    }
}

wire_enum! {
    /// How a client authenticates at the token and revocation endpoints.
    AuthMethod {
        /// Public client: no secret, PKCE instead.
        None = "none",
        /// `client_secret` in the body.
        ClientSecretPost = "client_secret_post",
        /// HTTP Basic.
        ClientSecretBasic = "client_secret_basic",
    }
}

/// The `response_type` of an `/authorize` request: any combination of `code`, `token` and
/// `id_token`, in any order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponseTypes {
    /// An authorization code.
    pub code: bool,
    /// An access token (implicit or hybrid).
    pub token: bool,
    /// An ID token (implicit or hybrid).
    pub id_token: bool,
}

impl ResponseTypes {
    /// Parses a space-separated list; empty is `Ok` with nothing set (the caller says it is
    /// missing), an unknown member is `Err` naming it.
    pub fn parse(text: &str) -> Result<Self, Unknown> {
        let mut out = Self::default();
        for part in text.split(' ').filter(|p| !p.is_empty()) {
            match part {
                "code" => out.code = true,
                "token" => out.token = true,
                "id_token" => out.id_token = true,
                other => return Err(Unknown(other.to_string())),
            }
        }
        Ok(out)
    }

    /// Whether nothing was asked for.
    pub fn is_empty(self) -> bool {
        !(self.code || self.token || self.id_token)
    }

    /// Whether tokens come straight from `/authorize` (implicit or hybrid).
    pub fn has_front_channel_tokens(self) -> bool {
        self.token || self.id_token
    }

    /// The members, sorted as Actions see them in `event.transaction.response_type`.
    pub fn names(self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.code {
            out.push("code");
        }
        if self.id_token {
            out.push("id_token");
        }
        if self.token {
            out.push("token");
        }
        out
    }

    /// The response mode used when the request names none.
    pub fn default_mode(self) -> ResponseMode {
        if self.has_front_channel_tokens() {
            ResponseMode::Fragment
        } else {
            ResponseMode::Query
        }
    }
}

/// A PKCE challenge kept with an authorization code until the exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge {
    /// `code_challenge` as sent.
    pub challenge: String,
    /// `code_challenge_method` (default `plain`).
    pub method: PkceMethod,
}

impl PkceMethod {
    /// The `code_challenge` this method makes of `verifier` (RFC 7636 §4.2).
    pub fn challenge(self, verifier: &str) -> String {
        match self {
            PkceMethod::S256 => b64url(&sha256(verifier.as_bytes())),
            PkceMethod::Plain => verifier.to_string(),
        }
    }
}

impl CodeChallenge {
    /// Whether `verifier` answers this challenge.
    pub fn is_answered_by(&self, verifier: &str) -> bool {
        constant_time_eq(&self.method.challenge(verifier), &self.challenge)
    }
}

/// How the user authenticated for this login; `event.transaction.protocol`, the `gty` claim,
/// whether the login counts in `logins_count` and which access-token lifetime applies all follow
/// from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFlow {
    /// `/authorize` returning only a code.
    BrowserCode,
    /// `/authorize` returning tokens only (implicit).
    BrowserImplicit,
    /// `/authorize` returning a code and tokens (hybrid).
    BrowserHybrid,
    /// The password grant.
    Password,
    /// The password-realm grant.
    PasswordRealm,
    /// The passwordless one-time-code grant (`…/passwordless/otp`).
    Passwordless,
    /// A refresh-token exchange.
    Refresh,
    /// Tokens minted by the mock without a login (scenarios, `auth0-mock token`).
    Minted,
}

impl LoginFlow {
    /// The flow of a browser login with these response types.
    pub fn browser(types: ResponseTypes) -> Self {
        match (types.code, types.has_front_channel_tokens()) {
            (true, true) => Self::BrowserHybrid,
            (true, false) => Self::BrowserCode,
            _ => Self::BrowserImplicit,
        }
    }

    /// `event.transaction.protocol`.
    pub fn protocol(self) -> &'static str {
        match self {
            Self::BrowserCode => "oidc-basic-profile",
            Self::BrowserImplicit => "oidc-implicit-profile",
            Self::BrowserHybrid => "oidc-hybrid-profile",
            // Auth0's value for both password grants at /oauth/token ("the password (and
            // password-realm) exchange"); `oauth2-resource-owner` is the legacy /oauth/ro.
            Self::Password | Self::PasswordRealm => "oauth2-password",
            // Not documented for the OTP grant; the nearest of Auth0's listed values.
            Self::Passwordless => "oauth2-password",
            Self::Refresh => "oauth2-refresh-token",
            Self::Minted => "oauth2-token-exchange",
        }
    }

    /// The `gty` claim of the access token, for the grants Auth0 marks.
    pub fn gty(self) -> Option<&'static str> {
        match self {
            Self::Password | Self::PasswordRealm => Some("password"),
            Self::Refresh => Some("refresh_token"),
            _ => None,
        }
    }

    /// Whether the login counts in `stats.logins_count` (a refresh is not a login).
    pub fn counts_as_login(self) -> bool {
        !matches!(self, Self::Refresh | Self::Minted)
    }

    /// Whether access tokens get the API's shorter lifetime for tokens handed to the browser.
    pub fn is_implicit(self) -> bool {
        self == Self::BrowserImplicit
    }
}

/// Whether an audience is Auth0's Management API: `http(s)://<host>/api/v2/`. Any host: a
/// Deploy CLI export names the real tenant's domain (or a `##AUTH0_DOMAIN##` keyword) there,
/// and node-auth0 asks for `https://<domain>/api/v2/` with whatever domain it was given.
pub fn is_management_audience(audience: &str) -> bool {
    let Some(rest) = audience
        .strip_prefix("https://")
        .or_else(|| audience.strip_prefix("http://"))
    else {
        return false;
    };
    match rest.split_once('/') {
        Some((host, path)) => {
            !host.is_empty()
                && !host.contains(char::is_whitespace)
                && (path == "api/v2/" || path == "api/v2")
        }
        None => false,
    }
}

/// Hasura's default claims namespace: the hooks write it, scenarios edit it.
pub const HASURA_CLAIMS_NAMESPACE: &str = "https://hasura.io/jwt/claims";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_values_round_trip() {
        for g in GrantType::ALL {
            assert_eq!(g.as_str().parse::<GrantType>(), Ok(*g));
        }
        assert_eq!(
            "bogus".parse::<ResponseMode>(),
            Err(Unknown("bogus".into()))
        );
    }

    #[test]
    fn response_types_ignore_order_and_name_the_unknown() {
        let t = ResponseTypes::parse("id_token  code").unwrap();
        assert!(t.code && t.id_token && !t.token);
        assert_eq!(t.names(), vec!["code", "id_token"]);
        assert_eq!(LoginFlow::browser(t), LoginFlow::BrowserHybrid);
        assert_eq!(
            ResponseTypes::parse("code device"),
            Err(Unknown("device".into()))
        );
    }

    #[test]
    fn both_password_grants_are_auth0s_oauth2_password_protocol() {
        assert_eq!(LoginFlow::Password.protocol(), "oauth2-password");
        assert_eq!(LoginFlow::PasswordRealm.protocol(), "oauth2-password");
        assert_eq!(LoginFlow::Refresh.protocol(), "oauth2-refresh-token");
    }

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        let c = CodeChallenge {
            challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
            method: PkceMethod::S256,
        };
        assert!(c.is_answered_by("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(!c.is_answered_by("wrong"));
    }

    #[test]
    fn any_hosts_api_v2_is_the_management_api_and_nothing_else_is() {
        assert!(is_management_audience("https://dev-x.us.auth0.com/api/v2/"));
        assert!(is_management_audience("http://localhost:3000/api/v2/"));
        assert!(is_management_audience("https://##AUTH0_DOMAIN##/api/v2/"));
        assert!(!is_management_audience("https://api.example.com/"));
        assert!(!is_management_audience("https:///api/v2/"));
        assert!(!is_management_audience("https://x/api/v2/users"));
        assert!(!is_management_audience("urn:api/v2/"));
    }

    #[test]
    fn an_unknown_fixture_value_lists_the_known_ones() {
        let e = serde_json::from_str::<RotationType>("\"sometimes\"").unwrap_err();
        assert!(e.to_string().contains("rotating, non-rotating"), "{e}");
    }
}
