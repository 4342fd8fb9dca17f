//! Auth0's limits and field rules for a user search, and the errors a bad query or sort gets.

/// Longest `q` accepted, in bytes. Auth0 answers an over-long URL with 414; the mock caps the
/// query itself so a hostile one cannot make the parser or matcher work hard.
pub(super) const MAX_QUERY_BYTES: usize = 4096;
/// Deepest nesting of parentheses and unary operators. The parser and the evaluator recurse
/// once per level, so this bound is what keeps a hostile query from overflowing the stack.
pub(super) const MAX_DEPTH: usize = 32;
/// Auth0: "For suffix matching, literals must have 3 characters or more."
pub(super) const MIN_LEADING_WILDCARD_LITERALS: usize = 3;
/// Deepest array-in-array nesting followed inside a user. JSON parsed by serde_json is already
/// limited, but a value built in code is not, and walking it recurses.
pub(super) const MAX_VALUE_DEPTH: usize = 32;
/// The fields Auth0 normalizes and therefore searches case-insensitively.
pub(super) const CASE_INSENSITIVE_FIELDS: [&str; 5] =
    ["email", "name", "given_name", "family_name", "nickname"];
/// Metadata roots: never searched by field-less terms, never sortable.
pub(super) const METADATA_FIELDS: [&str; 2] = ["app_metadata", "user_metadata"];

/// A query or sort Auth0 would refuse with a 400. Each text reads like Auth0's
/// `invalid_query_string` message so the caller can pass it on unchanged.
///
/// Auth0 does not document the texts of its Lucene errors; the lead-in "The search query string
/// has an error:" is the one Auth0 gives for a bad log-search query (seen in
/// auth0/auth0-mcp-server#197), and the sort text follows the `Query validation error: …` shape
/// of its other query-parameter checks with the sort pattern Auth0's SDKs check against.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum QueryError {
    #[error("The search query string has an error: it is longer than {max} bytes.")]
    TooLong { max: usize },
    #[error(
        "The search query string has an error: it nests parentheses or operators more than {max} levels deep."
    )]
    TooDeep { max: usize },
    #[error(
        "The search query string has an error: unbalanced quotes (the quote at column {column} is never closed)."
    )]
    UnbalancedQuotes { column: usize },
    #[error("The search query string has an error: unbalanced parentheses (at column {column}).")]
    UnbalancedParentheses { column: usize },
    #[error(
        "The search query string has an error: the operator '{operator}' at column {column} is missing a term."
    )]
    DanglingOperator { operator: String, column: usize },
    #[error("The search query string has an error: the field '{field}' has no value.")]
    MissingValue { field: String },
    #[error("The search query string has an error: unexpected '{found}' at column {column}.")]
    Unexpected { found: String, column: usize },
    #[error("The search query string has an error: it ends with an unfinished escape '\\'.")]
    TrailingEscape,
    #[error("The search query string has an error: invalid range at column {column}: {detail}.")]
    BadRange { column: usize, detail: &'static str },
    #[error(
        "The search query string has an error: '{term}' starts with a wildcard, which needs at least 3 other characters (e.g. name:*usa)."
    )]
    LeadingWildcard { term: String },
    #[error(
        "The search query string has an error: wildcards are not available on user_metadata fields ('{field}')."
    )]
    MetadataWildcard { field: String },
    #[error(
        "The search query string has an error: ranges are not available on user_metadata fields ('{field}')."
    )]
    MetadataRange { field: String },
    #[error("The search query string has an error: {what} are not supported (column {column}).")]
    Unsupported { what: &'static str, column: usize },
    #[error(
        r"Query validation error: 'String does not match pattern ^(([a-zA-Z0-9_\.]+))\:(1|-1)$: {sort}' on property sort (Field to sort by. Use field:order where order is 1 for ascending and -1 for descending. e.g. created_at:1)."
    )]
    InvalidSort { sort: String },
    #[error(
        "Query validation error: sorting by app_metadata or user_metadata is not supported ('{sort}')."
    )]
    MetadataSort { sort: String },
}
