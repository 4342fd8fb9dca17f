use super::*;
use http::HeaderValue;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

#[test]
fn max_age_sets_expiry() {
    let h = headers(&[("cache-control", "public, max-age=300")]);
    assert_eq!(
        determine_expiry(&h, now()),
        Ok(Some(now() + Duration::from_secs(300)))
    );
    let h = headers(&[("cache-control", "s-maxage=5")]);
    assert_eq!(
        determine_expiry(&h, now()),
        Ok(Some(now() + Duration::from_secs(5)))
    );
    let h = headers(&[("cache-control", "max-age=\"7\"")]);
    assert_eq!(
        determine_expiry(&h, now()),
        Ok(Some(now() + Duration::from_secs(7)))
    );
}

#[test]
fn no_cache_and_must_revalidate() {
    let h = headers(&[("cache-control", "no-cache, max-age=300")]);
    assert_eq!(determine_expiry(&h, now()), Ok(Some(now())));
    let h = headers(&[("cache-control", "no-store")]);
    assert_eq!(determine_expiry(&h, now()), Ok(Some(now())));
    let h = headers(&[("cache-control", "must-revalidate, max-age=60")]);
    assert_eq!(
        determine_expiry(&h, now()),
        Ok(Some(now() + Duration::from_secs(60)))
    );
    let h = headers(&[("cache-control", "must-revalidate")]);
    assert_eq!(determine_expiry(&h, now()), Ok(Some(now())));
}

#[test]
fn quirks_of_hasuras_parser() {
    // Two spaces after the comma end the parse: no max-age is seen.
    let h = headers(&[("cache-control", "public,  max-age=300")]);
    assert_eq!(determine_expiry(&h, now()), Ok(None));
    // Directive names are case-sensitive.
    let h = headers(&[("cache-control", "Max-Age=300")]);
    assert_eq!(determine_expiry(&h, now()), Ok(None));
    // A non-numeric max-age is a (tolerated) parse error.
    let h = headers(&[("cache-control", "max-age=abc")]);
    assert!(determine_expiry(&h, now()).is_err());
    // Trailing junk after the digits is ignored.
    let h = headers(&[("cache-control", "max-age=10abc")]);
    assert_eq!(
        determine_expiry(&h, now()),
        Ok(Some(now() + Duration::from_secs(10)))
    );
}

#[test]
fn expires_is_the_fallback() {
    let h = headers(&[("expires", "Tue, 14 Nov 2023 22:13:20 GMT")]);
    assert_eq!(
        determine_expiry(&h, now()),
        Ok(Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)))
    );
    // Cache-Control without an age falls through to Expires.
    let h = headers(&[
        ("cache-control", "public"),
        ("expires", "Tue, 14 Nov 2023 22:13:30 GMT"),
    ]);
    assert_eq!(
        determine_expiry(&h, now()),
        Ok(Some(UNIX_EPOCH + Duration::from_secs(1_700_000_010)))
    );
    let h = headers(&[("expires", "0")]);
    assert!(determine_expiry(&h, now()).is_err());
    assert_eq!(determine_expiry(&HeaderMap::new(), now()), Ok(None));
}

/// A JWKS endpoint whose Cache-Control and status the test controls.
async fn jwks_server(
    cache_control: Option<&'static str>,
) -> (
    Url,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    std::sync::Arc<std::sync::atomic::AtomicU16>,
) {
    use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
    let key = crate::test_keys::TestRsaKey::generate();
    let body = serde_json::json!({"keys": [key.jwk(Some("k"))]}).to_string();
    let fetches = Arc::new(AtomicUsize::new(0));
    let status = Arc::new(AtomicU16::new(200));
    let (f, st) = (fetches.clone(), status.clone());
    let app = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let (f, st, body) = (f.clone(), st.clone(), body.clone());
            async move {
                f.fetch_add(1, Ordering::SeqCst);
                let status = http::StatusCode::from_u16(st.load(Ordering::SeqCst)).unwrap();
                let mut headers = HeaderMap::new();
                if let Some(cc) = cache_control {
                    headers.insert("cache-control", HeaderValue::from_static(cc));
                }
                (status, headers, body)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/jwks", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, fetches, status)
}

#[tokio::test]
async fn cache_follows_hasuras_poller_rules() {
    use std::sync::atomic::Ordering;
    // Without Cache-Control/Expires: fetched once, then never refreshed.
    let (url, fetches, _) = jwks_server(None).await;
    let cache = JwksCache::start(url).await.unwrap();
    assert!(cache.keys().is_empty(), "the startup fetch is only a check");
    cache.tick().await;
    assert_eq!((cache.keys().len(), cache.expiry()), (1, None));
    cache.tick().await;
    assert_eq!(fetches.load(Ordering::SeqCst), 2);

    // no-cache: every tick refetches; a failed refetch keeps the keys.
    let (url, fetches, status) = jwks_server(Some("no-cache")).await;
    let cache = JwksCache::start(url).await.unwrap();
    cache.tick().await;
    cache.tick().await;
    assert_eq!(fetches.load(Ordering::SeqCst), 3);
    status.store(500, Ordering::SeqCst);
    cache.tick().await;
    assert_eq!(cache.keys().len(), 1);
    assert!(
        cache
            .last_error()
            .unwrap()
            .starts_with("Non-2xx response on fetching JWK from: ")
    );

    // max-age: not refetched before expiry.
    let (url, fetches, _) = jwks_server(Some("public, max-age=300")).await;
    let cache = JwksCache::start(url).await.unwrap();
    cache.tick().await;
    cache.tick().await;
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    assert!(cache.expiry().unwrap() > SystemTime::now() + Duration::from_secs(290));

    // A startup failure is an error.
    let (url, _, status) = jwks_server(None).await;
    status.store(404, Ordering::SeqCst);
    let err = JwksCache::start(url.clone()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Non-2xx response on fetching JWK from: {url}")
    );
}
