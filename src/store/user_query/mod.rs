//! Auth0's user search (`GET /api/v2/users?q=…&sort=…&fields=…&include_fields=…`, search
//! engine v3) over users held as `serde_json::Value`s in Auth0's user shape.
//!
//! Auth0 hands `q` to Elasticsearch as a Lucene query string; the mock has no index, so it parses
//! the query itself ([`UserQuery::parse`]) and evaluates it against each user
//! ([`UserQuery::matches`]). The tokenizer and the recursive-descent parser are hand-written:
//! no maintained crate evaluates Lucene syntax over JSON values, and Auth0's field rules
//! (whole-value matching, five case-insensitive fields, arrays skipped along paths, no wildcards
//! on `user_metadata`, the 3-character rule for leading wildcards) would have to be layered on
//! any generic parser anyway.
//!
//! Sources: "User Search Query Syntax" (docs-v2
//! `manage-users/user-search/user-search-query-syntax.mdx`), "Retrieve Users with the Get Users
//! Endpoint" (`retrieve-users-with-get-users-endpoint.mdx`, the query examples table), "Migrate
//! from Search v2 to v3" (`troubleshoot/product-lifecycle/past-migrations/migrate-v2-v3.mdx`),
//! "Sort Search Results" (`sort-search-results.mdx`) and the project note
//! `shared/reference/auth0-lifecycle.md` §8.4.
//!
//! # What a query means here
//!
//! | syntax | meaning |
//! | --- | --- |
//! | `field:value` | the field's **whole** value equals `value` (v3 does not tokenize: `user_id:auth0` does not match `auth0\|123`, per the migration guide) |
//! | `field:"a phrase"` | the whole value equals the phrase; `*` and `?` inside quotes are literal |
//! | `value` / `"phrase"` without a field | any top-level string field matches; never `app_metadata` or `user_metadata` |
//! | `field:jo*`, `email:*@example.com`, `name:j?hn` | wildcards: `*` any run, `?` one character; a value that *starts* with a wildcard needs ≥3 other characters (`name:*usa`, not `name:*sa`); no wildcards on `user_metadata` |
//! | `field:*` | the field exists (as Elasticsearch rewrites it); bare `*` and `*:*` match every user |
//! | `_exists_:field` | the field holds an indexed value |
//! | `a.b.c:value` | nested path; arrays anywhere along it are skipped, so any element can match |
//! | `email.domain:x` | the part of `email` after its last `@` |
//! | `field:[a TO b]`, `{a TO b}`, `[a TO b}`, `*` ends | ranges; numeric when the stored value is a JSON number and the bound is a number, string order otherwise; no ranges on `user_metadata` |
//! | `AND`, `OR`, `NOT`, `&&`, `\|\|`, `!` | boolean operators, capitalized as Auth0 requires; NOT binds tightest, then AND, then OR |
//! | `a b` | implicit OR, Lucene's default operator (why: see `Parser::or_expr`) |
//! | `+a`, `-a` | Lucene's required / prohibited clauses |
//! | `(…)`, `field:(a OR b)` | grouping; a field group applies the field to every term inside |
//! | `\ `, `\:`, `\*` … | a backslash makes the next character literal |
//!
//! Fuzzy and proximity (`~`), boosts (`^`) and regular expressions (`/…/`) are refused: Auth0
//! documents none of them for v3, and silently matching them as text would mislead.
//!
//! Matching is case-insensitive for `email`, `name`, `given_name`, `family_name` and `nickname`
//! (and `email.domain`), case-sensitive for everything else, metadata included. Booleans and
//! numbers match their JSON text (`email_verified:true`, `logins_count:3`; numbers also compare
//! numerically, so `3.0` matches `3`). `null`, empty arrays and empty objects are not indexed, so
//! they never match, not even `_exists_`.

mod lexer;
mod parser;
mod rules;
mod sort;
#[cfg(test)]
mod tests;
mod tree;
mod user_values;

pub(crate) use rules::QueryError;
pub(crate) use sort::{project, sort_users};

use lexer::Lexer;
use parser::Parser;
use rules::MAX_QUERY_BYTES;
use serde_json::Value;
use tree::Node;

/// A parsed `q`, ready to test users against. Parsing once and matching many users keeps the
/// per-user work to walking a small tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UserQuery {
    root: Node,
}

impl UserQuery {
    /// Parses Auth0's v3 search syntax (see the module doc). An empty or blank `q` matches every
    /// user, as an absent one does. Errors are what Auth0 would answer with a 400.
    pub(crate) fn parse(q: &str) -> Result<UserQuery, QueryError> {
        if q.len() > MAX_QUERY_BYTES {
            return Err(QueryError::TooLong {
                max: MAX_QUERY_BYTES,
            });
        }
        let tokens = Lexer::new(q).tokens()?;
        let root = Parser::new(tokens).query()?;
        Ok(UserQuery { root })
    }

    /// Whether `user` (an Auth0 user object) is one the query selects. Never fails: a field
    /// the user lacks, or holds in another shape, simply does not match, as in Auth0's index.
    pub(crate) fn matches(&self, user: &Value) -> bool {
        self.root.eval(user)
    }
}
