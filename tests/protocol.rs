//! The Auth0 protocol surface over real HTTP: the browser code + PKCE flow by raw requests
//! (login form included), every grant, refresh rotation and reuse detection, the error paths,
//! and every token verified against the served JWKS with an independent verifier.

mod common;

use auth0_mock::{MockServer, ServerConfig};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};

const SPA: &str = "auth0-mock-spa";
const CALLBACK: &str = "http://localhost:3000/callback";
// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
// spa-js's state is btoa() of random text: it contains '=' and must come back byte-for-byte.
const STATE: &str = "YWJjLmRlZn5naGk9PQ==";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn header(jwt: &str) -> Value {
    serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(jwt.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap()
}

/// Verifies a JWT against the served JWKS, by `kid`, with issuer and audience.
async fn verify(base: &str, jwt: &str, audience: &str) -> Value {
    let jwks: Value = reqwest::get(format!("{base}/.well-known/jwks.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kid = header(jwt)["kid"].as_str().expect("kid").to_string();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid)
        .expect("kid in JWKS");
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let mut v = Validation::new(Algorithm::RS256);
    v.set_issuer(&[format!("{base}/")]);
    v.set_audience(&[audience]);
    v.leeway = 0;
    jsonwebtoken::decode::<Value>(jwt, &key, &v)
        .unwrap_or_else(|e| panic!("token does not verify: {e}"))
        .claims
}

fn query_of(location: &str) -> std::collections::HashMap<String, String> {
    let url = url::Url::parse(location).unwrap();
    url.query_pairs().into_owned().collect()
}

fn authorize_url(base: &str, extra: &str) -> String {
    format!(
        "{base}/authorize?client_id={SPA}&redirect_uri={}&response_type=code&response_mode=query&scope=openid+profile+email+offline_access\
         &audience={}&state={}&nonce=n-0S6_WzA2Mj&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}",
        enc(CALLBACK),
        enc(API),
        enc(STATE)
    )
}

/// Logs alice in through the login page; returns the session cookie and the final callback URL.
async fn browser_login(base: &str, http: &reqwest::Client, extra: &str) -> (String, String) {
    let res = http.get(authorize_url(base, extra)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let login = res.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(login.starts_with("/u/login?state="), "{login}");
    let page = http.get(format!("{base}{login}")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for needle in [
        r#"id="username" name="username""#,
        r#"id="password" name="password""#,
        r#"name="action" value="default""#,
    ] {
        assert!(html.contains(needle), "login page lacks {needle}");
    }
    let wrong = http
        .post(format!("{base}{login}"))
        .form(&[
            ("username", "alice@example.com"),
            ("password", "nope"),
            ("action", "default"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Wrong email or password.")
    );
    let ok = http
        .post(format!("{base}{login}"))
        .form(&[
            ("username", "alice@example.com"),
            ("password", "alice-password"),
            ("action", "default"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::FOUND);
    let set_cookie = ok.headers()[SET_COOKIE].to_str().unwrap().to_string();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let resume = ok.headers()[LOCATION].to_str().unwrap().to_string();
    let back = http
        .get(format!("{base}{resume}"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), StatusCode::FOUND);
    (
        cookie,
        back.headers()[LOCATION].to_str().unwrap().to_string(),
    )
}

async fn exchange(base: &str, http: &reqwest::Client, code: &str) -> reqwest::Response {
    http.post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", code),
            ("code_verifier", VERIFIER),
            ("redirect_uri", CALLBACK),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn code_flow_with_pkce_silent_auth_and_logout() {
    let server = start().await;
    let base = server.base_url();
    let http = client();
    let (cookie, callback) = browser_login(&base, &http, "").await;
    assert!(callback.starts_with(CALLBACK), "{callback}");
    let q = query_of(&callback);
    assert_eq!(q["state"], STATE, "state must be echoed byte for byte");
    let code = q["code"].clone();

    let res = exchange(&base, &http, &code).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], json!(86400), "expires_in is a number");
    assert!(
        body["refresh_token"].is_string(),
        "offline_access gives a refresh token"
    );
    let at = verify(&base, body["access_token"].as_str().unwrap(), API).await;
    assert_eq!(at["iss"], format!("{base}/"));
    assert_eq!(at["aud"], json!([API, format!("{base}/userinfo")]));
    assert_eq!(at["azp"], SPA);
    assert_eq!(at["sub"], "auth0|alice");
    assert!(at["iat"].is_i64() && at["exp"].is_i64());
    assert_eq!(
        at["exp"].as_i64().unwrap() - at["iat"].as_i64().unwrap(),
        86400
    );
    assert!(at.get("gty").is_none(), "no gty for the code grant");
    assert_eq!(
        at["https://hasura.io/jwt/claims"]["x-hasura-user-id"],
        "auth0|alice"
    );
    let id = verify(&base, body["id_token"].as_str().unwrap(), SPA).await;
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(id["email"], "alice@example.com");
    assert!(id["sid"].is_string());
    assert_eq!(header(body["id_token"].as_str().unwrap())["alg"], "RS256");

    let again = exchange(&base, &http, &code).await;
    assert_eq!(
        again.status(),
        StatusCode::FORBIDDEN,
        "codes are single-use"
    );
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );

    // Silent auth through the session: web_message posts the code from the mock's origin.
    let silent = http
        .get(
            authorize_url(&base, "&prompt=none")
                .replace("response_mode=query", "response_mode=web_message"),
        )
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(silent.status(), StatusCode::OK);
    assert!(silent.headers().get("x-frame-options").is_none());
    let html = silent.text().await.unwrap();
    assert!(
        html.contains("authorization_response")
            && html.contains("\"code\"")
            && html.contains("\"http://localhost:3000\""),
        "{html}"
    );

    // Logout ends the session; prompt=none then answers login_required, as a redirect too.
    let out = http
        .get(format!(
            "{base}/v2/logout?client_id={SPA}&returnTo={}&federated",
            enc("http://localhost:3000")
        ))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::FOUND);
    assert_eq!(out.headers()[LOCATION], "http://localhost:3000");
    let after = http
        .get(authorize_url(&base, "&prompt=none"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::FOUND);
    let q = query_of(after.headers()[LOCATION].to_str().unwrap());
    assert_eq!(q["error"], "login_required");
    assert_eq!(q["error_description"], "Login required");
    assert_eq!(q["state"], STATE);
    server.shutdown().await;
}

#[tokio::test]
async fn response_modes_and_implicit() {
    let server = start().await;
    let base = server.base_url();
    let http = client();
    let (cookie, _) = browser_login(&base, &http, "").await;
    let form = http
        .get(authorize_url(&base, "").replace("response_mode=query", "response_mode=form_post"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let html = form.text().await.unwrap();
    assert!(
        html.contains(r#"<form method="post" action="http://localhost:3000/callback">"#)
            && html.contains(r#"name="code""#),
        "{html}"
    );
    let implicit = format!(
        "{base}/authorize?client_id={SPA}&redirect_uri={}&response_type=token+id_token&scope=openid&audience={}&state=s1&nonce=abc",
        enc(CALLBACK),
        enc(API)
    );
    let res = http
        .get(&implicit)
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let loc = res.headers()[LOCATION].to_str().unwrap().to_string();
    let fragment: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(loc.split_once('#').unwrap().1.as_bytes())
            .into_owned()
            .collect();
    let at = verify(&base, &fragment["access_token"], API).await;
    assert_eq!(
        at["exp"].as_i64().unwrap() - at["iat"].as_i64().unwrap(),
        7200,
        "implicit tokens use token_lifetime_for_web"
    );
    let id = verify(&base, &fragment["id_token"], SPA).await;
    assert!(id["at_hash"].is_string());
    let no_nonce = http
        .get(implicit.replace("&nonce=abc", ""))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let loc = no_nonce.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(loc.contains("#error=invalid_request"), "{loc}");
    server.shutdown().await;
}

async fn token(base: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let res = client()
        .post(format!("{base}/oauth/token"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    (status, res.json().await.unwrap())
}

const WEB: [(&str, &str); 2] = [
    ("client_id", "auth0-mock-web"),
    ("client_secret", "auth0-mock-web-secret"),
];

#[tokio::test]
async fn password_and_refresh_rotation_with_reuse_detection() {
    let server = start().await;
    let base = server.base_url();
    let mut form = WEB.to_vec();
    form.extend([
        ("grant_type", "password"),
        ("username", "alice@example.com"),
        ("password", "alice-password"),
        ("audience", API),
        ("scope", "openid profile email offline_access"),
    ]);
    let (status, body) = token(&base, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let at = verify(&base, body["access_token"].as_str().unwrap(), API).await;
    assert_eq!(at["gty"], "password");
    let id = claims(body["id_token"].as_str().unwrap());
    assert!(id.get("nonce").is_none(), "no nonce outside /authorize");
    let rt1 = body["refresh_token"].as_str().unwrap().to_string();

    let mut refresh = WEB.to_vec();
    refresh.extend([
        ("grant_type", "refresh_token"),
        ("refresh_token", rt1.as_str()),
    ]);
    let (status, body) = token(&base, &refresh).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rt2 = body["refresh_token"]
        .as_str()
        .expect("rotation returns a new refresh token")
        .to_string();
    assert_ne!(rt1, rt2);
    assert!(
        body["id_token"].is_string(),
        "refresh returns an id_token (spa-js requires it)"
    );
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["gty"],
        "refresh_token"
    );

    // Reusing the spent token revokes the family: the newest token dies too.
    let (status, body) = token(&base, &refresh).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body,
        json!({"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."})
    );
    let mut refresh2 = WEB.to_vec();
    refresh2.extend([
        ("grant_type", "refresh_token"),
        ("refresh_token", rt2.as_str()),
    ]);
    assert_eq!(token(&base, &refresh2).await.0, StatusCode::FORBIDDEN);

    // Password realm with auth0-python's JSON nulls.
    let res = client()
        .post(format!("{base}/oauth/token"))
        .json(&json!({"grant_type": "http://auth0.com/oauth/grant-type/password-realm", "client_id": "auth0-mock-web",
            "client_secret": "auth0-mock-web-secret", "username": "bob@example.com", "password": "bob-password",
            "realm": "Username-Password-Authentication", "audience": null, "scope": null, "grant_type_hint": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["access_token"]
            .as_str()
            .unwrap()
            .starts_with("mock-opaque."),
        "no audience: opaque access token"
    );
    assert!(
        body.get("id_token").is_none(),
        "no openid scope: no id_token"
    );

    let mut blocked = WEB.to_vec();
    blocked.extend([
        ("grant_type", "password"),
        ("username", "blocked@example.com"),
        ("password", "blocked-password"),
    ]);
    let (status, body) = token(&base, &blocked).await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("user is blocked"))
    );
    server.shutdown().await;
}

#[tokio::test]
async fn client_credentials_and_client_auth() {
    let server = start().await;
    let base = server.base_url();
    let (status, body) = m2m_token(&base).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("id_token").is_none() && body.get("refresh_token").is_none());
    let at = verify(&base, body["access_token"].as_str().unwrap(), API).await;
    assert_eq!(at["sub"], "auth0-mock-m2m@clients");
    assert_eq!(at["gty"], "client-credentials");
    assert_eq!(at["aud"], API, "a string audience");
    assert_eq!(at["scope"], "read:users write:users");

    let basic = client()
        .post(format!("{base}/oauth/token"))
        .basic_auth("auth0-mock-m2m", Some("auth0-mock-m2m-secret"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("audience", API),
            ("scope", "read:users"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::OK);
    assert_eq!(basic.json::<Value>().await.unwrap()["scope"], "read:users");

    type Case<'a> = (Vec<(&'a str, &'a str)>, StatusCode, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", "auth0-mock-m2m"),
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
                ("client_id", "auth0-mock-m2m"),
                ("client_secret", "auth0-mock-m2m-secret"),
                ("audience", "https://nope"),
            ],
            StatusCode::FORBIDDEN,
            "access_denied",
            "Service not found: https://nope",
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", "auth0-mock-web"),
                ("client_secret", "auth0-mock-web-secret"),
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
                ("client_id", "auth0-mock-m2m"),
                ("client_secret", "auth0-mock-m2m-secret"),
            ],
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant type: magic",
        ),
        (
            vec![("client_id", "auth0-mock-m2m")],
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
                ("client_id", "auth0-mock-web"),
                ("client_secret", "auth0-mock-web-secret"),
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

#[tokio::test]
async fn malformed_requests_get_auth0_errors_and_the_server_keeps_serving() {
    let server = start().await;
    let base = server.base_url();
    let http = client();
    let t = format!("{base}/oauth/token");
    let dup = http
        .post(&t)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=password&grant_type=password")
        .send()
        .await
        .unwrap();
    assert_eq!(dup.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        dup.json::<Value>().await.unwrap()["error_description"],
        "Duplicate parameter: grant_type"
    );
    let xml = http
        .post(&t)
        .header("content-type", "text/xml")
        .body("<a/>")
        .send()
        .await
        .unwrap();
    assert_eq!(
        xml.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
    let bad_json = http
        .post(&t)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_json.status(), StatusCode::BAD_REQUEST);
    let nested = http
        .post(&t)
        .json(&json!({"grant_type": ["a"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(nested.status(), StatusCode::BAD_REQUEST);
    let big = http
        .post(&t)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("grant_type={}", "a".repeat(200_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        big.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );

    // /authorize: untrusted client or callback → HTML page, never a redirect.
    for url in [
        format!(
            "{base}/authorize?client_id=nobody&redirect_uri=http://evil.example/&response_type=code"
        ),
        format!(
            "{base}/authorize?client_id=auth0-mock-web&redirect_uri=http://evil.example/cb&response_type=code"
        ),
        format!("{base}/authorize?client_id={SPA}&client_id={SPA}"),
        format!("{base}/authorize"),
    ] {
        let res = http.get(&url).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{url}");
        assert!(
            res.headers().get(LOCATION).is_none(),
            "no open redirect for {url}"
        );
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("Oops!, something went wrong")
        );
    }
    // Trusted callback → errors go back to it with state.
    let redirect_error = |extra: &'static str, drop: &'static str| {
        let base = base.clone();
        let http = http.clone();
        async move {
            let url = authorize_url(&base, extra).replace(drop, "");
            let res = http.get(&url).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::FOUND, "{url}");
            query_of(res.headers()[LOCATION].to_str().unwrap())
        }
    };
    let q = redirect_error(
        "",
        "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
    )
    .await;
    assert_eq!(q["error"], "invalid_request");
    assert_eq!(q["state"], STATE);
    let q = redirect_error("&prompt=bogus", "").await;
    assert_eq!(q["error"], "invalid_request");
    let url = authorize_url(&base, "").replace(&enc(API), "https%3A%2F%2Funknown.api");
    let res = http.get(&url).send().await.unwrap();
    let q = query_of(res.headers()[LOCATION].to_str().unwrap());
    assert_eq!(
        (q["error"].as_str(), q["error_description"].as_str()),
        ("access_denied", "Service not found: https://unknown.api")
    );
    let url = authorize_url(&base, "").replace("response_type=code", "response_type=magic");
    let q = query_of(
        http.get(&url).send().await.unwrap().headers()[LOCATION]
            .to_str()
            .unwrap(),
    );
    assert_eq!(q["error"], "unsupported_response_type");

    // Garbage cookies, tokens and login transactions.
    let res = http
        .get(authorize_url(&base, "&prompt=none"))
        .header(COOKIE, "auth0=%%%garbage; other=1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        query_of(res.headers()[LOCATION].to_str().unwrap())["error"],
        "login_required"
    );
    let res = http
        .get(format!("{base}/userinfo"))
        .bearer_auth("not.a.jwt")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_token");
    let res = http.get(format!("{base}/userinfo")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = http
        .post(format!("{base}/u/login?state=unknown"))
        .form(&[("username", "a"), ("password", "b")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = http
        .get(format!(
            "{base}/v2/logout?client_id={SPA}&returnTo=http%3A%2F%2Fevil.example"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.headers().get(LOCATION).is_none());
    let res = http
        .get(format!("{base}/no/such/path"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "not_found");

    // Still serving.
    let (status, _) = m2m_token(&base).await;
    assert_eq!(status, StatusCode::OK);
    server.shutdown().await;
}

#[tokio::test]
async fn discovery_jwks_pem_cors_and_userinfo() {
    let server = start().await;
    let base = server.base_url();
    let http = client();
    let d: Value = http
        .get(format!("{base}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["issuer"], format!("{base}/"));
    assert!(
        d["id_token_signing_alg_values_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("RS256"))
    );
    assert_eq!(d["jwks_uri"], format!("{base}/.well-known/jwks.json"));
    assert!(
        d.get("authorization_response_iss_parameter_supported")
            .is_none()
    );
    let res = http
        .get(format!("{base}/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age="),
        "Hasura refreshes only with max-age"
    );
    let jwks: Value = res.json().await.unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "current and next");
    for k in keys {
        for m in ["kty", "use", "alg", "kid", "n", "e", "x5c", "x5t"] {
            assert!(k.get(m).is_some(), "{m}");
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(k["x5c"][0].as_str().unwrap())
            .unwrap();
        let sha1 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &der);
        assert_eq!(
            k["x5t"].as_str().unwrap(),
            URL_SAFE_NO_PAD.encode(sha1.as_ref())
        );
    }
    let pem = http
        .get(format!("{base}/pem"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(
        http.get(format!("{base}/cer"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .len(),
        base64::engine::general_purpose::STANDARD
            .decode(keys[0]["x5c"][0].as_str().unwrap())
            .unwrap()
            .len()
    );

    let pre = http
        .request(reqwest::Method::OPTIONS, format!("{base}/oauth/token"))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,auth0-client",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        pre.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    assert!(
        pre.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("auth0-client")
    );
    let denied = http
        .request(reqwest::Method::OPTIONS, format!("{base}/oauth/token"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);

    // Opaque token from the code flow without audience works at /userinfo only.
    let (cookie, _) = browser_login(&base, &http, "").await;
    let url = authorize_url(&base, "").replace(&format!("&audience={}", enc(API)), "");
    let res = http.get(url).header(COOKIE, &cookie).send().await.unwrap();
    let code = query_of(res.headers()[LOCATION].to_str().unwrap())["code"].clone();
    let body: Value = exchange(&base, &http, &code).await.json().await.unwrap();
    let opaque = body["access_token"].as_str().unwrap();
    assert!(!opaque.starts_with("eyJ"));
    let me: Value = http
        .get(format!("{base}/userinfo"))
        .bearer_auth(opaque)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["sub"], "auth0|alice");
    assert_eq!(me["email"], "alice@example.com");
    assert_eq!(me["name"], "Alice Liddell");
    let revoke = http
        .post(format!("{base}/oauth/revoke"))
        .form(&[
            ("client_id", SPA),
            ("token", body["refresh_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::OK);
    assert!(revoke.text().await.unwrap().is_empty());
    let (status, _) = token(
        &base,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", SPA),
            ("refresh_token", body["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "revoked");
    server.shutdown().await;
}

#[tokio::test]
async fn tls_serves_https_with_a_trustable_ca() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = ServerConfig::for_tests();
    cfg.tls = true;
    cfg.tls_dir = Some(dir.path().to_path_buf());
    let server = MockServer::start(cfg).await.unwrap();
    assert!(server.base_url().starts_with("https://localhost:"));
    let ca = std::fs::read(server.ca_cert_path().unwrap()).unwrap();
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap())
        .build()
        .unwrap();
    let d: Value = http
        .get(format!(
            "{}/.well-known/openid-configuration",
            server.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["issuer"], format!("{}/", server.base_url()));
    let (cookie_attrs, _) = {
        let plain = client();
        let res = plain
            .get(format!("{}/healthz", server.base_url()))
            .send()
            .await;
        (res.is_err(), ())
    };
    assert!(
        cookie_attrs,
        "an untrusting client must refuse the certificate"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_issuer_is_fixed_whatever_the_host_header_says() {
    let mut cfg = ServerConfig::for_tests();
    cfg.issuer = Some("http://localhost:4455".into());
    let server = MockServer::start(cfg).await.unwrap();
    assert_eq!(server.issuer(), "http://localhost:4455/");
    let port = server.addr().port();
    // Inside Docker the mock is reached as auth0-mock:4455; tokens and discovery still say localhost.
    let d: Value = client()
        .get(format!(
            "http://127.0.0.1:{port}/.well-known/openid-configuration"
        ))
        .header("host", "auth0-mock:4455")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["issuer"], "http://localhost:4455/");
    assert_eq!(d["jwks_uri"], "http://localhost:4455/.well-known/jwks.json");
    let res = client()
        .post(format!("http://127.0.0.1:{port}/oauth/token"))
        .header("host", "auth0-mock:4455")
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "auth0-mock-m2m"),
            ("client_secret", "auth0-mock-m2m-secret"),
            ("audience", API),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["iss"],
        "http://localhost:4455/"
    );
    server.shutdown().await;
}

/// Garbage at every endpoint: always an answer below 500, always parseable, and the server
/// keeps serving.
#[tokio::test]
async fn garbage_never_gets_a_500() {
    use rand::{Rng, SeedableRng};
    let server = start().await;
    let base = server.base_url();
    let http = client();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let posts = [
        "/oauth/token",
        "/oauth/revoke",
        "/u/login?state=x",
        "/oidc/logout",
        "/__mock/token",
        "/__mock/faults",
        "/__mock/clock",
        "/__mock/scenarios/next",
        "/api/v2/users",
        "/userinfo",
    ];
    let gets = [
        "/authorize",
        "/authorize/resume",
        "/u/login",
        "/v2/logout",
        "/oidc/logout",
        "/userinfo",
        "/api/v2/users/%ZZ",
        "/api/v2/users-by-email",
        "/.well-known/jwks.json",
    ];
    let content_types = [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "",
        "multipart/form-data; boundary=x",
    ];
    for i in 0..300 {
        let len = rng.random_range(0..400);
        let mut body: Vec<u8> = (0..len).map(|_| rng.random::<u8>()).collect();
        if i % 3 == 0 {
            body = format!("grant_type={}&client_id=auth0-mock-web&code=%{:02x}&refresh_token=\u{0}&username=%FF%FE", ["password", "refresh_token", "authorization_code", "client_credentials", ""][i % 5], i).into_bytes();
        }
        if i % 5 == 1 {
            body = br#"{"grant_type":"password","client_id":null,"username":{"a":1},"scenario":7,"count":-1,"endpoint":[]}"#.to_vec();
        }
        let path = posts[i % posts.len()];
        let mut req = http.post(format!("{base}{path}")).body(body.clone());
        let ct = content_types[i % content_types.len()];
        if !ct.is_empty() {
            req = req.header("content-type", ct);
        }
        if i % 4 == 0 {
            req = req.header(
                "authorization",
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(&body[..body.len().min(12)])
                ),
            );
        }
        let res = req.send().await.expect("the mock answers");
        assert!(
            res.status().as_u16() < 500,
            "POST {path} ({ct}) answered {}",
            res.status()
        );
        let query: String = (0..rng.random_range(0..60))
            .map(|_| {
                [
                    "a=",
                    "&",
                    "%",
                    "%zz",
                    "=",
                    "state=",
                    "client_id=auth0-mock-spa",
                    "redirect_uri=http://localhost:1",
                    "response_type=code",
                    "x",
                ][rng.random_range(0..10)]
            })
            .collect();
        let path = gets[i % gets.len()];
        let sep = if path.contains('?') { '&' } else { '?' };
        let res = http
            .get(format!("{base}{path}{sep}{query}"))
            .header("cookie", "auth0=%7f%00; auth0=x; =; auth0")
            .send()
            .await
            .expect("the mock answers");
        assert!(
            res.status().as_u16() < 500,
            "GET {path}?{query} answered {}",
            res.status()
        );
    }
    let (status, _) = m2m_token(&base).await;
    assert_eq!(status, StatusCode::OK, "still serving");
    server.shutdown().await;
}

// ---------------------------------------------------------------- regressions

/// A refresh token from the password grant for the web client.
async fn web_refresh_token(base: &str) -> String {
    let mut form = WEB.to_vec();
    form.extend([
        ("grant_type", "password"),
        ("username", "alice@example.com"),
        ("password", "alice-password"),
        ("audience", API),
        ("scope", "openid offline_access"),
    ]);
    let (status, body) = token(base, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["refresh_token"].as_str().unwrap().to_string()
}

async fn refresh_with(base: &str, refresh_token: &str) -> (StatusCode, Value) {
    let mut form = WEB.to_vec();
    form.extend([
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ]);
    token(base, &form).await
}

#[tokio::test]
async fn revoke_accepts_client_secret_basic_and_the_token_stops_working() {
    let server = start().await;
    let base = server.base_url();
    let rt = web_refresh_token(&base).await;
    // As openid-client sends it: form-encoded credentials in Basic, no client_id in the body.
    let res = client()
        .post(format!("{base}/oauth/revoke"))
        .basic_auth("auth0%2Dmock%2Dweb", Some("auth0%2Dmock%2Dweb%2Dsecret"))
        .form(&[("token", rt.as_str()), ("token_type_hint", "refresh_token")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "", "an empty body, as Auth0");
    let (status, body) = refresh_with(&base, &rt).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "invalid_grant");
    server.shutdown().await;
}

#[tokio::test]
async fn revoke_with_a_wrong_basic_secret_is_refused_like_the_token_endpoint() {
    let server = start().await;
    let base = server.base_url();
    let rt = web_refresh_token(&base).await;
    let res = client()
        .post(format!("{base}/oauth/revoke"))
        .basic_auth("auth0-mock-web", Some("wrong"))
        .form(&[("token", rt.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"error": "access_denied", "error_description": "Unauthorized"})
    );
    assert_eq!(
        refresh_with(&base, &rt).await.0,
        StatusCode::OK,
        "still valid"
    );
    server.shutdown().await;
}

/// An opaque access token with `openid` (no audience), as passport-auth0's default login gets.
async fn opaque_access_token(base: &str) -> String {
    let mut form = WEB.to_vec();
    form.extend([
        ("grant_type", "password"),
        ("username", "alice@example.com"),
        ("password", "alice-password"),
        ("scope", "openid profile email"),
    ]);
    let (status, body) = token(base, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn userinfo_takes_the_access_token_from_the_query_string() {
    let server = start().await;
    let base = server.base_url();
    let at = opaque_access_token(&base).await;
    let res = client()
        .get(format!("{base}/userinfo?access_token={}", enc(&at)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let profile: Value = res.json().await.unwrap();
    assert_eq!(profile["sub"], "auth0|alice");
    assert_eq!(profile["email"], "alice@example.com");
    server.shutdown().await;
}

#[tokio::test]
async fn userinfo_takes_the_access_token_from_a_form_body() {
    let server = start().await;
    let base = server.base_url();
    let at = opaque_access_token(&base).await;
    let res = client()
        .post(format!("{base}/userinfo"))
        .form(&[("access_token", at.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["sub"], "auth0|alice");
    server.shutdown().await;
}

/// A code from a browser login of alice, not yet exchanged.
async fn alice_code(base: &str) -> String {
    let (_, callback) = browser_login(base, &client(), "").await;
    query_of(&callback)["code"].clone()
}

#[tokio::test]
async fn a_code_whose_user_was_deleted_is_an_invalid_authorization_code() {
    let server = start().await;
    let base = server.base_url();
    let code = alice_code(&base).await;
    let deleted = client()
        .delete(format!("{base}/api/v2/users/{}", enc("auth0|alice")))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let res = exchange(&base, &client(), &code).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"error": "invalid_grant", "error_description": "Invalid authorization code"})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_code_whose_user_was_blocked_since_is_refused() {
    let server = start().await;
    let base = server.base_url();
    let code = alice_code(&base).await;
    let blocked = client()
        .patch(format!("{base}/api/v2/users/{}", enc("auth0|alice")))
        .json(&json!({"blocked": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(blocked.status(), StatusCode::OK);
    let res = exchange(&base, &client(), &code).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error_description"],
        "user is blocked"
    );
    server.shutdown().await;
}
