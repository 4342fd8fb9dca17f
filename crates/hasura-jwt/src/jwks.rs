//! JWK sets: parsing, fetching from `jwk_url`, and Hasura's refresh rules.
//!
//! Hasura (graphql-engine v2, `Hasura.Server.Auth` / `Auth.JWT`) behaves
//! like this, and [`JwksCache`] copies it:
//! - at startup the URL is fetched once; an HTTP failure, a non-2xx status or
//!   an unparsable body is fatal, and that first result is thrown away;
//! - the key set starts empty and a poller runs every second: an empty set is
//!   fetched, a non-empty one is refetched once `now >= expiry`;
//! - the expiry comes from `Cache-Control` (see [`determine_expiry`]) or else
//!   `Expires`; with neither, keys are never refreshed; a refetch failure
//!   keeps the old keys;
//! - the body is parsed all or nothing ([`JwkSet::from_json`]): one entry
//!   jose refuses is a parse error for the whole document, fatal at startup
//!   and "keep the old keys" on a refresh.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use parking_lot::RwLock;
use url::Url;

pub use crate::jwk_set::{BrokenKey, JwkSet, JwkSetError, VerificationKey};

/// Why fetching a JWK set failed; the messages are Hasura's.
#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    /// The request itself failed (connection refused, timeout, bad URL).
    #[error("Error fetching JWK: {0}")]
    Http(String),
    /// The server answered with a status outside 200..=299.
    #[error("Non-2xx response on fetching JWK from: {url}")]
    Status {
        /// The `jwk_url`.
        url: String,
        /// The status received.
        status: u16,
    },
    /// The body is not a JWK set Hasura accepts.
    #[error("Error parsing JWK from url: {url}")]
    Parse {
        /// The `jwk_url`.
        url: String,
        /// What was wrong with the body, and which key.
        error: JwkSetError,
    },
}

impl JwksError {
    /// Hasura's message followed by what Hasura only logs (and which key
    /// broke the set, which it does not say at all).
    pub fn diagnostic(&self) -> String {
        match self {
            JwksError::Parse { error, .. } => format!("{self} ({error})"),
            other => other.to_string(),
        }
    }
}

/// A successful fetch: the keys and the response headers (for the expiry).
#[derive(Debug, Clone)]
pub struct FetchedJwks {
    /// The parsed key set.
    pub keys: JwkSet,
    /// The response headers, from which [`determine_expiry`] reads the expiry.
    pub headers: HeaderMap,
}

/// Builds the HTTP client used for JWKS requests.
pub fn http_client() -> Result<reqwest::Client, JwksError> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .user_agent("auth0-mock (hasura jwt emulation)")
        .build()
        .map_err(|e| JwksError::Http(e.to_string()))
}

/// Fetches and parses a JWK set like Hasura's `fetchJwk`.
pub async fn fetch_jwks(client: &reqwest::Client, url: &Url) -> Result<FetchedJwks, JwksError> {
    let response = client
        .get(url.clone())
        .send()
        .await
        .map_err(|e| JwksError::Http(error_chain(&e)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(JwksError::Status {
            url: url.to_string(),
            status: status.as_u16(),
        });
    }
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| JwksError::Http(error_chain(&e)))?;
    let keys = JwkSet::from_json(&body).map_err(|error| JwksError::Parse {
        url: url.to_string(),
        error,
    })?;
    Ok(FetchedJwks { keys, headers })
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// The `Cache-Control`/`Expires` value could not be parsed.
///
/// Hasura tolerates this: the keys are stored and the previous expiry kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ExpiryParseError(pub String);

/// Computes when fetched keys expire, exactly like Hasura's
/// `determineJwkExpiryLifetime`.
///
/// `Cache-Control` first: with `must-revalidate`, `max-age`/`s-maxage` or
/// else `now`; otherwise `no-cache`/`no-store` give `now`; otherwise
/// `max-age`/`s-maxage` give `now + age`. If `Cache-Control` is absent or
/// names no age, `Expires` (`%a, %d %b %Y %T GMT`) is used. `Ok(None)` means
/// the keys never expire. Directive names are matched case-sensitively.
pub fn determine_expiry(
    headers: &HeaderMap,
    now: SystemTime,
) -> Result<Option<SystemTime>, ExpiryParseError> {
    if let Some(value) = headers.get("cache-control") {
        let text = String::from_utf8_lossy(value.as_bytes());
        let directives = parse_cache_control(&text).ok_or_else(|| {
            ExpiryParseError("Failed parsing Cache-Control header from JWK response".into())
        })?;
        let max_age = find_max_age(&directives).map_err(|e| {
            ExpiryParseError(format!(
                "Failed parsing Cache-Control header from JWK response: {e}"
            ))
        })?;
        let max_expiry = max_age.map(|age| add_capped(now, age));
        let has = |name: &str| {
            directives
                .iter()
                .any(|d| matches!(d, Directive::Token(t) if t == name))
        };
        if has("must-revalidate") {
            return Ok(Some(max_expiry.unwrap_or(now)));
        }
        if has("no-cache") || has("no-store") {
            return Ok(Some(now));
        }
        if let Some(expiry) = max_expiry {
            return Ok(Some(expiry));
        }
    }
    if let Some(value) = headers.get("expires") {
        let text = String::from_utf8_lossy(value.as_bytes());
        return parse_http_date(&text).map(Some).ok_or_else(|| {
            ExpiryParseError(
                "Failed parsing Expires header from JWK response. \
                 Value of header is not a valid timestamp"
                    .into(),
            )
        });
    }
    Ok(None)
}

/// `now + age`, capped at roughly a century so huge ages cannot overflow.
fn add_capped(now: SystemTime, age: u64) -> SystemTime {
    const CENTURY: u64 = 100 * 365 * 86_400;
    now + Duration::from_secs(age.min(CENTURY))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Directive {
    Token(String),
    WithValue(String, String),
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_digit() || c.is_alphabetic() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Hasura's attoparsec `Cache-Control` grammar: it takes at most one
/// whitespace character around commas and silently ignores whatever it
/// cannot parse after the first directive.
fn parse_cache_control(text: &str) -> Option<Vec<Directive>> {
    let chars: Vec<char> = text.chars().collect();
    let mut pos = 0;
    // *( "," OWS )
    while chars.get(pos) == Some(&',') {
        pos += 1;
        if chars.get(pos).is_some_and(|c| c.is_whitespace()) {
            pos += 1;
        }
    }
    let (first, next) = parse_directive(&chars, pos)?;
    pos = next;
    let mut directives = vec![first];
    loop {
        // OWS "," [OWS directive]
        let mut p = pos;
        if chars.get(p).is_some_and(|c| c.is_whitespace()) {
            p += 1;
        }
        if chars.get(p) != Some(&',') {
            break;
        }
        p += 1;
        let mut q = p;
        if chars.get(q).is_some_and(|c| c.is_whitespace()) {
            q += 1;
        }
        match parse_directive(&chars, q) {
            Some((directive, next)) => {
                directives.push(directive);
                pos = next;
            }
            None => pos = p,
        }
    }
    Some(directives)
}

fn parse_token(chars: &[char], start: usize) -> Option<(String, usize)> {
    let mut end = start;
    while end < chars.len() && is_tchar(chars[end]) {
        end += 1;
    }
    (end > start).then(|| (chars[start..end].iter().collect(), end))
}

fn parse_directive(chars: &[char], start: usize) -> Option<(Directive, usize)> {
    let (token, after_token) = parse_token(chars, start)?;
    if chars.get(after_token) == Some(&'=') {
        let value_start = after_token + 1;
        if let Some((value, end)) = parse_token(chars, value_start) {
            return Some((Directive::WithValue(token, value), end));
        }
        if let Some((value, end)) = parse_quoted_string(chars, value_start) {
            return Some((Directive::WithValue(token, value), end));
        }
    }
    Some((Directive::Token(token), after_token))
}

fn parse_quoted_string(chars: &[char], start: usize) -> Option<(String, usize)> {
    if chars.get(start) != Some(&'"') {
        return None;
    }
    let mut pos = start + 1;
    let mut value = String::new();
    loop {
        match *chars.get(pos)? {
            '"' => return Some((value, pos + 1)),
            '\\' => {
                value.push(*chars.get(pos + 1)?);
                pos += 2;
            }
            c => {
                value.push(c);
                pos += 1;
            }
        }
    }
}

/// The first `max-age=`/`s-maxage=` directive; its value must start with
/// digits (trailing characters are ignored, as attoparsec's `decimal` does).
fn find_max_age(directives: &[Directive]) -> Result<Option<u64>, String> {
    let found = directives.iter().find_map(|d| match d {
        Directive::WithValue(name, value) if name == "max-age" || name == "s-maxage" => Some(value),
        _ => None,
    });
    let Some(value) = found else { return Ok(None) };
    let digits: String = value.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        return Err("could not parse max-age/s-maxage value".into());
    }
    Ok(Some(digits.parse::<u64>().unwrap_or(u64::MAX)))
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT` (surrounding blanks allowed).
fn parse_http_date(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let (weekday, rest) = text.split_once(',')?;
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    if !DAYS.contains(&weekday.to_ascii_lowercase().as_str()) {
        return None;
    }
    let parts: Vec<&str> = rest.split_whitespace().collect();
    let [day, month, year, clock, zone] = parts.as_slice() else {
        return None;
    };
    if *zone != "GMT" {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = MONTHS
        .iter()
        .position(|m| *m == month.to_ascii_lowercase())? as i64
        + 1;
    let day: i64 = parse_digits(day, 1, 2)?;
    let year: i64 = parse_digits(year, 4, 9)?;
    let clock: Vec<&str> = clock.split(':').collect();
    let [h, m, s] = clock.as_slice() else {
        return None;
    };
    let (h, m, s): (i64, i64, i64) = (
        parse_digits(h, 1, 2)?,
        parse_digits(m, 1, 2)?,
        parse_digits(s, 1, 2)?,
    );
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + h * 3600 + m * 60 + s;
    let seconds = u64::try_from(seconds).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(seconds))
}

fn parse_digits(text: &str, min: usize, max: usize) -> Option<i64> {
    if text.len() < min || text.len() > max || !text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[derive(Debug, Default)]
struct CacheState {
    keys: Arc<JwkSet>,
    expiry: Option<SystemTime>,
    last_error: Option<String>,
}

/// The JWK set behind a `jwk_url`, kept fresh the way Hasura keeps it.
///
/// Call [`JwksCache::start`] (the fatal startup check), then
/// [`JwksCache::tick`] once a second, or let [`JwksCache::spawn_poller`] do it.
#[derive(Debug)]
pub struct JwksCache {
    url: Url,
    client: reqwest::Client,
    state: RwLock<CacheState>,
}

impl JwksCache {
    /// Performs Hasura's startup fetch, failing on any error but an expiry
    /// parse error. Like Hasura, the result is not kept: the cache starts
    /// empty and the first [`JwksCache::tick`] fills it.
    pub async fn start(url: Url) -> Result<Self, JwksError> {
        let client = http_client()?;
        fetch_jwks(&client, &url).await?;
        Ok(JwksCache {
            url,
            client,
            state: RwLock::new(CacheState::default()),
        })
    }

    /// The configured `jwk_url`.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The keys currently in force (possibly empty).
    pub fn keys(&self) -> Arc<JwkSet> {
        self.state.read().keys.clone()
    }

    /// When the current keys expire; `None` means never (or not fetched yet).
    pub fn expiry(&self) -> Option<SystemTime> {
        self.state.read().expiry
    }

    /// The last refetch failure, for diagnostics; cleared by a success.
    pub fn last_error(&self) -> Option<String> {
        self.state.read().last_error.clone()
    }

    /// One poller step (Hasura's `updateJwkFromUrl`): fetch when the set is
    /// empty, or when it is non-empty and `now >= expiry`.
    pub async fn tick(&self) {
        let due = {
            let state = self.state.read();
            state.keys.is_empty()
                || state
                    .expiry
                    .is_some_and(|expiry| SystemTime::now() >= expiry)
        };
        if due {
            self.refresh().await;
        }
    }

    /// Fetches now and stores the result (Hasura's `fetchAndUpdateJWKs`):
    /// on failure the old keys stay; on an expiry parse error the keys are
    /// replaced and the previous expiry kept.
    pub async fn refresh(&self) {
        match fetch_jwks(&self.client, &self.url).await {
            Err(error) => {
                let diagnostic = error.diagnostic();
                tracing::warn!(url = %self.url, error = %diagnostic, "JWKS refetch failed; keeping old keys");
                self.state.write().last_error = Some(diagnostic);
            }
            Ok(fetched) => {
                let expiry = determine_expiry(&fetched.headers, SystemTime::now());
                let mut state = self.state.write();
                state.keys = Arc::new(fetched.keys);
                state.last_error = None;
                if let Ok(Some(expiry)) = expiry {
                    state.expiry = Some(expiry);
                }
            }
        }
    }

    /// Spawns Hasura's poller: a [`JwksCache::tick`] every `every`
    /// (Hasura: one second), starting after the first interval.
    pub fn spawn_poller(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        let cache = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                cache.tick().await;
            }
        })
    }
}

#[cfg(test)]
mod tests;
