//! The dashboard at `/__mock/ui`: one page, its script and its stylesheet, compiled into the
//! binary so it works offline with nothing to build or fetch. Everything it shows comes from
//! the control API, under the same access rule, so the page can do nothing a test could not.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Nothing but the mock's own origin: the page shows client secrets and signs users in, so no
/// inline script, no other site's code, and no framing by another page.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// One compiled-in file with the headers every dashboard file carries.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut res = body.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // A new binary may bring a new page; the three files are small.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// `GET /__mock/ui`.
pub(crate) async fn page() -> Response {
    asset(
        "text/html; charset=utf-8",
        include_str!("dashboard/index.html"),
    )
}

/// `GET /__mock/ui/app.js`.
pub(crate) async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("dashboard/app.js"),
    )
}

/// `GET /__mock/ui/app.css`.
pub(crate) async fn style() -> Response {
    asset("text/css; charset=utf-8", include_str!("dashboard/app.css"))
}
