//! Auth0's list paging (`page` from 0, `per_page` up to 100, `include_totals`), shared by every
//! Management API list: a plain array, or `{start, limit, length, total, <items>}` with totals.
//! Checkpoint paging (`from`, `take`, as the organization lists offer) answers `{<items>,
//! next}`, `next` being the opaque `from` of the following page.

use crate::error::{ManagementError, OAuthError};
use crate::http::extract::Query;
use crate::http::params::Params;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// The query string, refused in the Management API's shape.
pub(crate) fn query(q: Result<Query, OAuthError>) -> Result<Params, ManagementError> {
    q.map(|Query(p)| p)
        .map_err(|e| bad_query(format!("Query validation error: {}", e.description)))
}

/// Auth0's default page size.
const DEFAULT_PER_PAGE: usize = 50;
/// Auth0's largest page.
const MAX_PER_PAGE: usize = 100;
/// User search returns at most this many results in all (Auth0's search limit).
pub(crate) const SEARCH_WINDOW: usize = 1000;

/// A page request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    page: usize,
    per_page: usize,
    totals: bool,
    /// Whether `page`/`per_page` were given at all: without them Auth0 answers the whole list
    /// (up to the default page) for the endpoints that predate paging.
    explicit: bool,
    /// Checkpoint paging: (first index, how many).
    checkpoint: Option<(usize, usize)>,
}

/// The opaque `next` of a checkpoint page that starts at `index`.
fn checkpoint_token(index: usize) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("at:{index}"))
}

/// The index a `from` names: a `next` this mock gave out.
fn checkpoint_index(from: &str) -> Result<usize, ManagementError> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(from)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| t.strip_prefix("at:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| {
            bad_query(format!(
                "Query validation error: 'from' {from:?} is not a checkpoint this list gave out (use the previous page's next)"
            ))
        })
}

fn bad_query(message: String) -> ManagementError {
    ManagementError::new(StatusCode::BAD_REQUEST, message, "invalid_query_string")
}

fn number(q: &Params, name: &str) -> Result<Option<usize>, ManagementError> {
    match q.get(name) {
        None | Some("") => Ok(None),
        Some(v) => v.parse::<usize>().map(Some).map_err(|_| {
            bad_query(format!(
                "Query validation error: 'Expected type integer but found type string' on property {name}"
            ))
        }),
    }
}

impl Paging {
    /// Reads `page`, `per_page` and `include_totals`.
    pub(crate) fn from_query(q: &Params) -> Result<Self, ManagementError> {
        let page = number(q, "page")?;
        let per_page = number(q, "per_page")?;
        if per_page.is_some_and(|p| p > MAX_PER_PAGE) {
            return Err(bad_query(format!(
                "Query validation error: 'Number must be less than or equal to {MAX_PER_PAGE}' on property per_page"
            )));
        }
        let totals = match q.get("include_totals") {
            None | Some("false") | Some("") => false,
            Some("true") => true,
            Some(_) => {
                return Err(bad_query(
                    "Query validation error: 'Expected type boolean but found type string' on property include_totals".into(),
                ));
            }
        };
        let take = number(q, "take")?;
        if take.is_some_and(|t| t > MAX_PER_PAGE) {
            return Err(bad_query(format!(
                "Query validation error: 'Number must be less than or equal to {MAX_PER_PAGE}' on property take"
            )));
        }
        // An empty checkpoint page would name itself as the next one.
        if take == Some(0) {
            return Err(bad_query(
                "Query validation error: 'Number must be greater than or equal to 1' on property take".into(),
            ));
        }
        let from = q.get("from").filter(|f| !f.is_empty());
        let checkpoint = match (from, take) {
            (None, None) => None,
            _ if page.is_some() || per_page.is_some() || totals => {
                return Err(bad_query(
                    "Query validation error: from and take (checkpoint paging) cannot be combined with page, per_page or include_totals".into(),
                ));
            }
            (from, take) => Some((
                from.map(checkpoint_index).transpose()?.unwrap_or(0),
                take.unwrap_or(DEFAULT_PER_PAGE),
            )),
        };
        Ok(Self {
            page: page.unwrap_or(0),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE),
            totals,
            explicit: page.is_some() || per_page.is_some(),
            checkpoint,
        })
    }

    /// Refuses a window past the search limit, as Auth0's user search does.
    pub(crate) fn within_search_window(self) -> Result<Self, ManagementError> {
        if (self.page + 1).saturating_mul(self.per_page) > SEARCH_WINDOW {
            return Err(ManagementError::new(
                StatusCode::BAD_REQUEST,
                "Requesting page exceeds the allowed maximum of 1000 records.",
                "invalid_paging",
            ));
        }
        Ok(self)
    }

    /// The requested page of `items`, in Auth0's shape: an array, or with totals an object
    /// naming the list `key`.
    pub(crate) fn answer(self, items: Vec<Value>, key: &str) -> Value {
        let total = items.len();
        if let Some((start, take)) = self.checkpoint {
            let end = start.saturating_add(take).min(total);
            let page: Vec<Value> = items.into_iter().skip(start).take(take).collect();
            let mut out = json!({ key: page });
            if end < total {
                out["next"] = json!(checkpoint_token(end));
            }
            return out;
        }
        let start = self.page.saturating_mul(self.per_page);
        let page: Vec<Value> = if self.explicit || self.totals {
            items.into_iter().skip(start).take(self.per_page).collect()
        } else {
            items
        };
        if !self.totals {
            return Value::Array(page);
        }
        json!({
            "start": start,
            "limit": self.per_page,
            "length": page.len(),
            "total": total,
            key: page,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> Params {
        Params::from_form(query.as_bytes()).unwrap()
    }

    #[test]
    fn totals_wrap_the_page_with_its_position() {
        let p = Paging::from_query(&params("page=1&per_page=2&include_totals=true")).unwrap();
        let v = p.answer((0..5).map(|i| json!(i)).collect(), "users");
        assert_eq!(
            v,
            json!({"start": 2, "limit": 2, "length": 2, "total": 5, "users": [2, 3]})
        );
    }

    #[test]
    fn a_page_past_the_search_window_is_invalid_paging() {
        let p = Paging::from_query(&params("page=10&per_page=100")).unwrap();
        assert_eq!(
            p.within_search_window().unwrap_err().error_code,
            "invalid_paging"
        );
    }

    #[test]
    fn a_checkpoint_page_of_nothing_is_refused() {
        assert!(Paging::from_query(&params("take=0")).is_err());
    }

    #[test]
    fn checkpoint_pages_follow_each_others_next_to_the_end() {
        let items = || (0..5).map(|i| json!(i)).collect::<Vec<_>>();
        let first = Paging::from_query(&params("take=2"))
            .unwrap()
            .answer(items(), "organizations");
        assert_eq!(first["organizations"], json!([0, 1]));
        let next = first["next"].as_str().unwrap().to_string();
        let second = Paging::from_query(&params(&format!("from={next}&take=2")))
            .unwrap()
            .answer(items(), "organizations");
        assert_eq!(second["organizations"], json!([2, 3]));
        let last = second["next"].as_str().unwrap().to_string();
        let third = Paging::from_query(&params(&format!("from={last}&take=2")))
            .unwrap()
            .answer(items(), "organizations");
        assert_eq!(third, json!({"organizations": [4]}));
    }

    #[test]
    fn checkpoint_and_page_paging_together_are_refused() {
        assert!(Paging::from_query(&params("take=2&page=1")).is_err());
    }

    #[test]
    fn a_from_this_mock_never_gave_out_is_refused() {
        assert!(Paging::from_query(&params("from=org_123")).is_err());
    }

    #[test]
    fn per_page_over_100_is_refused() {
        assert!(Paging::from_query(&params("per_page=101")).is_err());
    }
}
