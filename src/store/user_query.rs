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

use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cmp::Ordering;

/// Longest `q` accepted, in bytes. Auth0 answers an over-long URL with 414; the mock caps the
/// query itself so a hostile one cannot make the parser or matcher work hard.
const MAX_QUERY_BYTES: usize = 4096;
/// Deepest nesting of parentheses and unary operators. The parser and the evaluator recurse
/// once per level, so this bound is what keeps a hostile query from overflowing the stack.
const MAX_DEPTH: usize = 32;
/// Auth0: "For suffix matching, literals must have 3 characters or more."
const MIN_LEADING_WILDCARD_LITERALS: usize = 3;
/// Deepest array-in-array nesting followed inside a user. JSON parsed by serde_json is already
/// limited, but a value built in code is not, and walking it recurses.
const MAX_VALUE_DEPTH: usize = 32;
/// The fields Auth0 normalizes and therefore searches case-insensitively.
const CASE_INSENSITIVE_FIELDS: [&str; 5] =
    ["email", "name", "given_name", "family_name", "nickname"];
/// Metadata roots: never searched by field-less terms, never sortable.
const METADATA_FIELDS: [&str; 2] = ["app_metadata", "user_metadata"];

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

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

/// One character of an unquoted term. Wildcards are kept apart from literal characters so an
/// escaped `\*` stays a plain asterisk.
#[derive(Debug, Clone, PartialEq)]
enum Glyph {
    Lit(char),
    AnyRun,
    AnyOne,
}

/// An unquoted term, as typed (escapes already resolved).
#[derive(Debug, Clone, PartialEq)]
struct Word {
    glyphs: Vec<Glyph>,
    escaped: bool,
}

impl Word {
    fn has_wildcards(&self) -> bool {
        self.glyphs.iter().any(|g| !matches!(g, Glyph::Lit(_)))
    }

    fn starts_with_wildcard(&self) -> bool {
        self.glyphs
            .first()
            .is_some_and(|g| !matches!(g, Glyph::Lit(_)))
    }

    fn literal_count(&self) -> usize {
        self.glyphs
            .iter()
            .filter(|g| matches!(g, Glyph::Lit(_)))
            .count()
    }

    fn is_lone_star(&self) -> bool {
        self.glyphs == [Glyph::AnyRun]
    }

    /// The term's text with wildcards written back as `*` and `?`, for field names and messages.
    fn text(&self) -> String {
        self.glyphs
            .iter()
            .map(|g| match g {
                Glyph::Lit(c) => *c,
                Glyph::AnyRun => '*',
                Glyph::AnyOne => '?',
            })
            .collect()
    }

    /// `AND`/`OR`/`NOT` are operators only when typed plainly; Auth0 requires capitals, so
    /// `and` stays a term, and `\AND` is the way to search for the word itself.
    fn operator(&self) -> Option<Tok> {
        if self.escaped {
            return None;
        }
        match self.text().as_str() {
            "AND" => Some(Tok::And),
            "OR" => Some(Tok::Or),
            "NOT" => Some(Tok::Not),
            _ => None,
        }
    }
}

/// A range as written: `None` is an open (`*`) end.
#[derive(Debug, Clone, PartialEq)]
struct RangeTok {
    lower: Option<String>,
    upper: Option<String>,
    lower_inclusive: bool,
    upper_inclusive: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    Colon,
    And,
    Or,
    Not,
    Plus,
    Minus,
    Word(Word),
    Phrase(String),
    Range(RangeTok),
}

impl Tok {
    /// How a token reads in an error message.
    fn describe(&self) -> String {
        match self {
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::Colon => ":".into(),
            Tok::And => "AND".into(),
            Tok::Or => "OR".into(),
            Tok::Not => "NOT".into(),
            Tok::Plus => "+".into(),
            Tok::Minus => "-".into(),
            Tok::Word(w) => w.text(),
            Tok::Phrase(p) => format!("\"{p}\""),
            Tok::Range(_) => "range".into(),
        }
    }

    /// Whether a clause can begin with this token, which is what the parser needs to tell an
    /// implicit OR from the end of a group, and a complete operator from a dangling one.
    fn starts_clause(&self) -> bool {
        matches!(
            self,
            Tok::LParen
                | Tok::Not
                | Tok::Plus
                | Tok::Minus
                | Tok::Word(_)
                | Tok::Phrase(_)
                | Tok::Range(_)
        )
    }
}

/// A token and the 1-based column (in characters) where it starts, for error messages.
type Spanned = (Tok, usize);

/// Characters that end an unquoted term (unless escaped). `+`, `-` and `!` are not among them:
/// as in Lucene they are operators only at the start of a term, so `google-oauth2` is one term.
fn ends_term(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | ')' | ':' | '"' | '[' | ']' | '{' | '}' | '~' | '^' | '/'
        )
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

impl Lexer {
    fn new(q: &str) -> Self {
        Lexer {
            chars: q.chars().collect(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn column(&self) -> usize {
        self.pos + 1
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn tokens(mut self) -> Result<Vec<Spanned>, QueryError> {
        let mut out = Vec::new();
        loop {
            self.skip_whitespace();
            let Some(c) = self.peek() else { return Ok(out) };
            let column = self.column();
            let tok = self.token(c, column)?;
            out.push((tok, column));
        }
    }

    fn token(&mut self, c: char, column: usize) -> Result<Tok, QueryError> {
        match c {
            '(' => Ok(self.advance(Tok::LParen)),
            ')' => Ok(self.advance(Tok::RParen)),
            ':' => Ok(self.advance(Tok::Colon)),
            '+' => Ok(self.advance(Tok::Plus)),
            '-' => Ok(self.advance(Tok::Minus)),
            '!' => Ok(self.advance(Tok::Not)),
            '&' if self.peek_at(1) == Some('&') => {
                self.pos += 2;
                Ok(Tok::And)
            }
            '|' if self.peek_at(1) == Some('|') => {
                self.pos += 2;
                Ok(Tok::Or)
            }
            '"' => self.phrase().map(Tok::Phrase),
            '[' | '{' => self.range().map(Tok::Range),
            ']' | '}' => Err(QueryError::Unexpected {
                found: c.to_string(),
                column,
            }),
            '~' => Err(QueryError::Unsupported {
                what: "fuzzy and proximity searches (~)",
                column,
            }),
            '^' => Err(QueryError::Unsupported {
                what: "boosts (^)",
                column,
            }),
            '/' => Err(QueryError::Unsupported {
                what: "regular expressions (/…/)",
                column,
            }),
            _ => {
                let word = self.word()?;
                if word.glyphs.is_empty() {
                    // Unreachable by construction, but an empty word would not advance the
                    // lexer, so refuse it rather than loop.
                    return Err(QueryError::Unexpected {
                        found: c.to_string(),
                        column,
                    });
                }
                Ok(word.operator().unwrap_or(Tok::Word(word)))
            }
        }
    }

    /// Reads the character after a backslash.
    fn escaped(&mut self) -> Result<char, QueryError> {
        self.pos += 1;
        let c = self.peek().ok_or(QueryError::TrailingEscape)?;
        self.pos += 1;
        Ok(c)
    }

    fn word(&mut self) -> Result<Word, QueryError> {
        let mut word = Word {
            glyphs: Vec::new(),
            escaped: false,
        };
        while let Some(c) = self.peek() {
            if ends_term(c) {
                break;
            }
            let glyph = match c {
                '\\' => {
                    word.escaped = true;
                    Glyph::Lit(self.escaped()?)
                }
                '*' => self.advance(Glyph::AnyRun),
                '?' => self.advance(Glyph::AnyOne),
                _ => self.advance(Glyph::Lit(c)),
            };
            word.glyphs.push(glyph);
        }
        Ok(word)
    }

    fn advance<T>(&mut self, value: T) -> T {
        self.pos += 1;
        value
    }

    /// A double-quoted phrase; `\"` and `\\` inside it are literal.
    fn phrase(&mut self) -> Result<String, QueryError> {
        let column = self.column();
        self.pos += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return Err(QueryError::UnbalancedQuotes { column }),
                Some('"') => {
                    self.pos += 1;
                    return Ok(text);
                }
                Some('\\') => text.push(self.escaped()?),
                Some(c) => {
                    self.pos += 1;
                    text.push(c);
                }
            }
        }
    }

    /// `[a TO b]`, `{a TO b}` or a mix. Lexed as one token, as Lucene does, because inside the
    /// brackets `TO`, `*` and `-` mean other things than outside.
    fn range(&mut self) -> Result<RangeTok, QueryError> {
        let column = self.column();
        let bad = |detail| QueryError::BadRange { column, detail };
        let lower_inclusive = self.peek() == Some('[');
        self.pos += 1;
        self.skip_whitespace();
        let lower = self.bound()?;
        self.skip_whitespace();
        let to = self.peek() == Some('T') && self.peek_at(1) == Some('O');
        if !to || !self.peek_at(2).is_some_and(char::is_whitespace) {
            return Err(bad("expected 'TO' between the bounds"));
        }
        self.pos += 2;
        self.skip_whitespace();
        let upper = self.bound()?;
        self.skip_whitespace();
        let upper_inclusive = match self.peek() {
            Some(']') => true,
            Some('}') => false,
            _ => return Err(bad("expected ']' or '}' after the upper bound")),
        };
        self.pos += 1;
        match (lower, upper) {
            (BoundText::Given(lower), BoundText::Given(upper)) => Ok(RangeTok {
                lower,
                upper,
                lower_inclusive,
                upper_inclusive,
            }),
            _ => Err(bad("a bound is missing")),
        }
    }

    /// One range bound, up to the next space or closing bracket.
    fn bound(&mut self) -> Result<BoundText, QueryError> {
        if self.peek() == Some('"') {
            return self.phrase().map(|p| BoundText::Given(Some(p)));
        }
        let mut text = String::new();
        let mut escaped = false;
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == ']' || c == '}' {
                break;
            }
            if c == '\\' {
                escaped = true;
                text.push(self.escaped()?);
            } else {
                text.push(self.advance(c));
            }
        }
        Ok(match text.as_str() {
            "" => BoundText::Missing,
            "*" if !escaped => BoundText::Given(None),
            _ => BoundText::Given(Some(text)),
        })
    }
}

/// A range bound as read: absent (an error), or given, `None` standing for an open `*`.
enum BoundText {
    Missing,
    Given(Option<String>),
}

// ---------------------------------------------------------------------------------------------
// Syntax tree
// ---------------------------------------------------------------------------------------------

/// Where a clause looks in a user.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    /// A term typed without a field: every top-level string field except the metadata
    /// (Auth0: "A term without a field name will not match text in the user metadata fields").
    AnyTopLevel,
    /// `email.domain`, which Auth0 indexes as the part of `email` after the `@`.
    EmailDomain,
    /// A dotted path from the user's root.
    Path(Vec<String>),
}

impl Target {
    fn of(field: &str) -> Target {
        match field {
            "*" => Target::AnyTopLevel,
            "email.domain" => Target::EmailDomain,
            _ => Target::Path(field.split('.').map(str::to_owned).collect()),
        }
    }

    /// The values this target finds in `user`, arrays flattened, each with its case rule.
    fn leaves<'a>(&self, user: &'a Value) -> Vec<Leaf<'a>> {
        match self {
            Target::AnyTopLevel => top_level_strings(user),
            Target::EmailDomain => email_domain(user).into_iter().collect(),
            Target::Path(path) => {
                let fold = matches!(path.as_slice(), [one] if is_case_insensitive(one));
                resolve(user, path)
                    .into_iter()
                    .map(|v| Leaf {
                        value: LeafValue::Json(v),
                        fold,
                    })
                    .collect()
            }
        }
    }
}

/// How a term compares with a value.
#[derive(Debug, Clone, PartialEq)]
enum Matcher {
    /// The whole value equals the text (a quoted phrase, or a term without wildcards).
    Exact(String),
    /// The whole value matches the wildcard pattern.
    Pattern(Vec<Glyph>),
}

/// One end of a range; `text: None` is open.
#[derive(Debug, Clone, PartialEq)]
struct Bound {
    text: Option<String>,
    inclusive: bool,
}

/// The parsed query. Kept apart from the tokens so evaluation never re-reads syntax.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    MatchAll,
    /// Explicit or implicit OR: Lucene's list of optional clauses, in which `+`/`-` clauses
    /// are required/prohibited (see [`eval_or`]).
    Or(Vec<Node>),
    And(Vec<Node>),
    Not(Box<Node>),
    /// `+x`
    Required(Box<Node>),
    /// `-x`
    Prohibited(Box<Node>),
    Term {
        target: Target,
        matcher: Matcher,
    },
    Exists(Target),
    Range {
        target: Target,
        lower: Bound,
        upper: Bound,
    },
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

/// Recursive descent over the tokens:
///
/// ```text
/// query    := or_expr? EOF
/// or_expr  := and_expr ( OR? and_expr )*
/// and_expr := unary ( AND unary )*
/// unary    := ( NOT | '+' | '-' ) unary | primary
/// primary  := '(' or_expr ')' | WORD ':' value | WORD | PHRASE | RANGE
/// value    := '(' or_expr ')' | WORD | PHRASE | RANGE      (with that field as the default)
/// ```
struct Parser {
    tokens: Vec<Spanned>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn new(tokens: Vec<Spanned>) -> Self {
        Parser {
            tokens,
            pos: 0,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    fn column(&self) -> usize {
        self.tokens
            .get(self.pos)
            .map_or_else(|| self.end_column(), |(_, c)| *c)
    }

    fn end_column(&self) -> usize {
        self.tokens.last().map_or(1, |(_, c)| c + 1)
    }

    fn bump(&mut self) -> Option<Spanned> {
        let tok = self.tokens.get(self.pos).cloned();
        if tok.is_some() {
            self.pos += 1;
        }
        tok
    }

    fn next_starts_clause(&self) -> bool {
        self.peek().is_some_and(Tok::starts_clause)
    }

    /// Counts one level of nesting; paired with [`Parser::leave`].
    fn enter(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(QueryError::TooDeep { max: MAX_DEPTH });
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn query(mut self) -> Result<Node, QueryError> {
        if self.tokens.is_empty() {
            return Ok(Node::MatchAll);
        }
        let node = self.or_expr(None)?;
        match self.bump() {
            None => Ok(node),
            Some((Tok::RParen, column)) => Err(QueryError::UnbalancedParentheses { column }),
            Some((tok, column)) => Err(QueryError::Unexpected {
                found: tok.describe(),
                column,
            }),
        }
    }

    /// Terms side by side are OR'ed. Auth0's v3 pages do not name the default operator; Lucene's
    /// is OR, and Auth0's v2 syntax page ("If you omit the OR operator the default operator will
    /// be used", showing `user_name:(john OR smith)` as `user_name:(john smith)`) says the same.
    fn or_expr(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
        let mut clauses = vec![self.and_expr(field)?];
        loop {
            match self.peek() {
                Some(Tok::Or) => {
                    let column = self.column();
                    self.pos += 1;
                    self.operand_follows("OR", column)?;
                }
                Some(tok) if tok.starts_clause() => {}
                _ => break,
            }
            clauses.push(self.and_expr(field)?);
        }
        Ok(one_or(clauses, Node::Or))
    }

    fn and_expr(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
        let mut clauses = vec![self.unary(field)?];
        while self.peek() == Some(&Tok::And) {
            let column = self.column();
            self.pos += 1;
            self.operand_follows("AND", column)?;
            clauses.push(self.unary(field)?);
        }
        Ok(one_or(clauses, Node::And))
    }

    fn operand_follows(&self, operator: &str, column: usize) -> Result<(), QueryError> {
        if self.next_starts_clause() {
            Ok(())
        } else {
            Err(QueryError::DanglingOperator {
                operator: operator.into(),
                column,
            })
        }
    }

    fn unary(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
        let wrap: fn(Box<Node>) -> Node = match self.peek() {
            Some(Tok::Not) => Node::Not,
            Some(Tok::Plus) => Node::Required,
            Some(Tok::Minus) => Node::Prohibited,
            _ => return self.primary(field),
        };
        let column = self.column();
        let operator = self.bump().map(|(t, _)| t.describe()).unwrap_or_default();
        self.operand_follows(&operator, column)?;
        self.enter()?;
        let inner = self.unary(field);
        self.leave();
        Ok(wrap(Box::new(inner?)))
    }

    fn primary(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
        let end = self.end_column();
        let Some((tok, column)) = self.bump() else {
            return Err(QueryError::Unexpected {
                found: "end of query".into(),
                column: end,
            });
        };
        match tok {
            Tok::LParen => self.group(field, column),
            Tok::Word(word) if self.peek() == Some(&Tok::Colon) => {
                self.pos += 1;
                let name = field_name(&word, column)?;
                self.field_value(&name)
            }
            Tok::Word(word) => term(field, TermValue::Word(word), column),
            Tok::Phrase(text) => term(field, TermValue::Phrase(text), column),
            Tok::Range(range) => range_node(field, range, column),
            other => Err(QueryError::Unexpected {
                found: other.describe(),
                column,
            }),
        }
    }

    /// `( … )`, after its opening parenthesis.
    fn group(&mut self, field: Option<&str>, open_column: usize) -> Result<Node, QueryError> {
        if self.peek() == Some(&Tok::RParen) {
            return Err(QueryError::Unexpected {
                found: ")".into(),
                column: self.column(),
            });
        }
        self.enter()?;
        let inner = self.or_expr(field);
        self.leave();
        let inner = inner?;
        match self.bump() {
            Some((Tok::RParen, _)) => Ok(inner),
            Some((tok, column)) => Err(QueryError::Unexpected {
                found: tok.describe(),
                column,
            }),
            None => Err(QueryError::UnbalancedParentheses {
                column: open_column,
            }),
        }
    }

    /// What follows `field:`.
    fn field_value(&mut self, field: &str) -> Result<Node, QueryError> {
        match self.bump() {
            Some((Tok::LParen, column)) => self.group(Some(field), column),
            Some((Tok::Word(word), column)) => term(Some(field), TermValue::Word(word), column),
            Some((Tok::Phrase(text), column)) => term(Some(field), TermValue::Phrase(text), column),
            Some((Tok::Range(range), column)) => range_node(Some(field), range, column),
            Some((tok, column)) => Err(QueryError::Unexpected {
                found: tok.describe(),
                column,
            }),
            None => Err(QueryError::MissingValue {
                field: field.into(),
            }),
        }
    }
}

/// A single clause stands for itself; several make a list node.
fn one_or(mut clauses: Vec<Node>, list: fn(Vec<Node>) -> Node) -> Node {
    if clauses.len() == 1
        && let Some(only) = clauses.pop()
    {
        return only;
    }
    list(clauses)
}

/// The value part of a term, before it becomes a matcher.
enum TermValue {
    Word(Word),
    Phrase(String),
}

/// A field name is taken literally; only `*` (every field) may carry a wildcard, because the
/// mock does not expand field-name patterns.
fn field_name(word: &Word, column: usize) -> Result<String, QueryError> {
    if word.has_wildcards() && !word.is_lone_star() {
        return Err(QueryError::Unsupported {
            what: "wildcards in field names",
            column,
        });
    }
    Ok(word.text())
}

fn is_user_metadata(field: &str) -> bool {
    field == "user_metadata" || field.starts_with("user_metadata.")
}

fn term(field: Option<&str>, value: TermValue, column: usize) -> Result<Node, QueryError> {
    let field = field.unwrap_or("*");
    if field == "_exists_" {
        let name = match value {
            TermValue::Word(word) if !word.has_wildcards() => word.text(),
            TermValue::Phrase(text) => text,
            TermValue::Word(_) => {
                return Err(QueryError::Unsupported {
                    what: "wildcards in _exists_ field names",
                    column,
                });
            }
        };
        return Ok(Node::Exists(Target::of(&name)));
    }
    let target = Target::of(field);
    let word = match value {
        TermValue::Phrase(text) => {
            return Ok(Node::Term {
                target,
                matcher: Matcher::Exact(text),
            });
        }
        TermValue::Word(word) => word,
    };
    if word.is_lone_star() {
        // Elasticsearch turns `field:*` into an existence query and `*` alone into match-all.
        return Ok(match target {
            Target::AnyTopLevel => Node::MatchAll,
            _ => Node::Exists(target),
        });
    }
    if !word.has_wildcards() {
        return Ok(Node::Term {
            target,
            matcher: Matcher::Exact(word.text()),
        });
    }
    check_wildcard(field, &word)?;
    Ok(Node::Term {
        target,
        matcher: Matcher::Pattern(word.glyphs),
    })
}

fn check_wildcard(field: &str, word: &Word) -> Result<(), QueryError> {
    if is_user_metadata(field) {
        return Err(QueryError::MetadataWildcard {
            field: field.into(),
        });
    }
    if word.starts_with_wildcard() && word.literal_count() < MIN_LEADING_WILDCARD_LITERALS {
        let term = if field == "*" {
            word.text()
        } else {
            format!("{field}:{}", word.text())
        };
        return Err(QueryError::LeadingWildcard { term });
    }
    Ok(())
}

fn range_node(field: Option<&str>, range: RangeTok, column: usize) -> Result<Node, QueryError> {
    let field = field.unwrap_or("*");
    if field == "_exists_" {
        return Err(QueryError::Unexpected {
            found: "range".into(),
            column,
        });
    }
    if is_user_metadata(field) {
        return Err(QueryError::MetadataRange {
            field: field.into(),
        });
    }
    let target = Target::of(field);
    if range.lower.is_none() && range.upper.is_none() {
        return Ok(Node::Exists(target));
    }
    Ok(Node::Range {
        target,
        lower: Bound {
            text: range.lower,
            inclusive: range.lower_inclusive,
        },
        upper: Bound {
            text: range.upper,
            inclusive: range.upper_inclusive,
        },
    })
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

impl Node {
    fn eval(&self, user: &Value) -> bool {
        match self {
            Node::MatchAll => true,
            Node::Or(clauses) => eval_or(clauses, user),
            Node::And(clauses) => clauses.iter().all(|c| c.eval(user)),
            Node::Not(inner) | Node::Prohibited(inner) => !inner.eval(user),
            Node::Required(inner) => inner.eval(user),
            Node::Term { target, matcher } => {
                target.leaves(user).iter().any(|l| matcher.accepts(l))
            }
            Node::Exists(target) => target.leaves(user).iter().any(Leaf::is_indexed),
            Node::Range {
                target,
                lower,
                upper,
            } => target
                .leaves(user)
                .iter()
                .any(|l| lower.admits_above(l) && upper.admits_below(l)),
        }
    }
}

/// Lucene's Boolean clause list: every `+` clause must match, no `-` clause may, and when there
/// is no `+` clause at least one plain clause must (so `a b -c` is "(a or b) and not c", and
/// `-c` alone is "everything but c", as Elasticsearch completes a purely negative query).
/// `NOT x` is ordinary negation instead, so Auth0's documented
/// `email_verified:false OR NOT _exists_:email_verified` means what it says.
fn eval_or(clauses: &[Node], user: &Value) -> bool {
    let mut has_required = false;
    let mut has_optional = false;
    let mut optional_matched = false;
    for clause in clauses {
        match clause {
            Node::Required(inner) => {
                has_required = true;
                if !inner.eval(user) {
                    return false;
                }
            }
            Node::Prohibited(inner) => {
                if inner.eval(user) {
                    return false;
                }
            }
            other => {
                has_optional = true;
                optional_matched = optional_matched || other.eval(user);
            }
        }
    }
    has_required || !has_optional || optional_matched
}

/// A value found in a user, with whether it compares case-insensitively.
struct Leaf<'a> {
    value: LeafValue<'a>,
    fold: bool,
}

enum LeafValue<'a> {
    Json(&'a Value),
    /// A slice of a stored string (the domain of `email`).
    Str(&'a str),
}

impl<'a> Leaf<'a> {
    /// The text a term is compared with; `None` for what Auth0 does not index as text.
    fn text(&self) -> Option<Cow<'a, str>> {
        match self.value {
            LeafValue::Str(s) => Some(Cow::Borrowed(s)),
            LeafValue::Json(Value::String(s)) => Some(Cow::Borrowed(s.as_str())),
            LeafValue::Json(Value::Number(n)) => Some(Cow::Owned(n.to_string())),
            LeafValue::Json(Value::Bool(b)) => {
                Some(Cow::Borrowed(if *b { "true" } else { "false" }))
            }
            LeafValue::Json(_) => None,
        }
    }

    fn folded_text(&self) -> Option<Cow<'a, str>> {
        let text = self.text()?;
        Some(if self.fold {
            Cow::Owned(text.to_lowercase())
        } else {
            text
        })
    }

    fn number(&self) -> Option<f64> {
        match self.value {
            LeafValue::Json(Value::Number(n)) => n.as_f64(),
            _ => None,
        }
    }

    fn is_indexed(&self) -> bool {
        match self.value {
            LeafValue::Str(_) => true,
            LeafValue::Json(v) => is_indexed(v, 0),
        }
    }

    fn normalize<'s>(&self, s: &'s str) -> Cow<'s, str> {
        if self.fold {
            Cow::Owned(s.to_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    }
}

impl Matcher {
    fn accepts(&self, leaf: &Leaf) -> bool {
        match self {
            Matcher::Exact(query) => exact(leaf, query),
            Matcher::Pattern(glyphs) => leaf.folded_text().is_some_and(|text| {
                let pattern = if leaf.fold {
                    lowercase_glyphs(glyphs)
                } else {
                    glyphs.clone()
                };
                let text: Vec<char> = text.chars().collect();
                wildcard_match(&pattern, &text)
            }),
        }
    }
}

/// Whole-value equality; numbers compare as numbers so `logins_count:3.0` finds 3.
fn exact(leaf: &Leaf, query: &str) -> bool {
    if let (Some(stored), Some(wanted)) = (leaf.number(), parse_number(query)) {
        return stored == wanted;
    }
    leaf.folded_text()
        .is_some_and(|text| *text == *leaf.normalize(query))
}

fn parse_number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn lowercase_glyphs(glyphs: &[Glyph]) -> Vec<Glyph> {
    glyphs
        .iter()
        .flat_map(|g| match g {
            Glyph::Lit(c) => c.to_lowercase().map(Glyph::Lit).collect::<Vec<_>>(),
            other => vec![other.clone()],
        })
        .collect()
}

/// Glob matching with one remembered `*` to backtrack to: linear memory, no recursion, and at
/// worst pattern × text steps, which the query cap keeps small.
fn wildcard_match(pattern: &[Glyph], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Glyph::AnyRun) => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(Glyph::AnyOne) => {
                p += 1;
                t += 1;
            }
            Some(Glyph::Lit(c)) if text.get(t) == Some(c) => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((star, from)) => {
                    p = star + 1;
                    t = from + 1;
                    backtrack = Some((star, from + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|g| *g == Glyph::AnyRun))
}

impl Bound {
    /// Whether `leaf` lies above this lower bound.
    fn admits_above(&self, leaf: &Leaf) -> bool {
        let Some(bound) = &self.text else {
            return leaf.text().is_some();
        };
        // An exclusive lower date bound excludes the whole period it names (Elasticsearch rounds
        // `gt` up), so it compares by prefix; an inclusive one starts at the period's start.
        match compare(leaf, bound, !self.inclusive) {
            Some(Ordering::Greater) => true,
            Some(Ordering::Equal) => self.inclusive,
            _ => false,
        }
    }

    /// Whether `leaf` lies below this upper bound.
    fn admits_below(&self, leaf: &Leaf) -> bool {
        let Some(bound) = &self.text else {
            return leaf.text().is_some();
        };
        // An inclusive upper date bound takes in the whole period it names, so
        // `last_login:[* TO 2024-12-31]` includes 2024-12-31T10:00:00.000Z.
        match compare(leaf, bound, self.inclusive) {
            Some(Ordering::Less) => true,
            Some(Ordering::Equal) => self.inclusive,
            _ => false,
        }
    }
}

/// Orders `leaf` against a range bound: numerically when the stored value is a JSON number and
/// the bound a number, else as strings (ISO timestamps order correctly as strings). With
/// `whole_period`, a bound that is a date or a leading part of an ISO timestamp (`2024`,
/// `2024-12`, `2024-12-31`, `2024-12-31T10` …) stands for its whole period: the value is cut to
/// the bound's length first, which is Elasticsearch's date rounding for `lte` and `gt`.
fn compare(leaf: &Leaf, bound: &str, whole_period: bool) -> Option<Ordering> {
    if let (Some(stored), Some(wanted)) = (leaf.number(), parse_number(bound)) {
        return stored.partial_cmp(&wanted);
    }
    let text = leaf.folded_text()?;
    let bound = leaf.normalize(bound);
    if whole_period && is_date_prefix(&bound) && looks_like_date(&text) {
        let cut = text.get(..bound.len()).unwrap_or(&text);
        return Some(cut.cmp(&bound));
    }
    Some(text.as_ref().cmp(bound.as_ref()))
}

/// The shape of an ISO 8601 timestamp, `0` standing for a digit.
const ISO_SHAPE: &str = "0000-00-00T00:00:00";

fn fits_iso_shape(s: &str) -> bool {
    s.chars().zip(ISO_SHAPE.chars()).all(|(c, shape)| {
        if shape == '0' {
            c.is_ascii_digit()
        } else {
            c == shape
        }
    })
}

fn is_date_prefix(bound: &str) -> bool {
    matches!(bound.len(), 4 | 7 | 10 | 13 | 16 | 19) && fits_iso_shape(bound)
}

fn looks_like_date(text: &str) -> bool {
    text.len() >= 10 && text.get(..10).is_some_and(fits_iso_shape)
}

// ---------------------------------------------------------------------------------------------
// Walking a user
// ---------------------------------------------------------------------------------------------

fn is_case_insensitive(field: &str) -> bool {
    CASE_INSENSITIVE_FIELDS.contains(&field)
}

fn top_level_strings(user: &Value) -> Vec<Leaf<'_>> {
    let Some(object) = user.as_object() else {
        return Vec::new();
    };
    object
        .iter()
        .filter(|(key, value)| value.is_string() && !METADATA_FIELDS.contains(&key.as_str()))
        .map(|(key, value)| Leaf {
            value: LeafValue::Json(value),
            fold: is_case_insensitive(key),
        })
        .collect()
}

fn email_domain(user: &Value) -> Option<Leaf<'_>> {
    let email = user.get("email")?.as_str()?;
    let (_, domain) = email.rsplit_once('@')?;
    Some(Leaf {
        value: LeafValue::Str(domain),
        fold: true,
    })
}

/// The values at `path`, skipping arrays along the way and flattening arrays at the end, the
/// way Elasticsearch indexes `user_metadata.addresses.city` for an array of addresses.
fn resolve<'a>(root: &'a Value, path: &[String]) -> Vec<&'a Value> {
    let mut current = vec![root];
    for key in path {
        current = current
            .into_iter()
            .flat_map(|v| flatten(v, 0))
            .filter_map(|v| v.as_object().and_then(|o| o.get(key)))
            .collect();
    }
    current.into_iter().flat_map(|v| flatten(v, 0)).collect()
}

/// An array's elements (nested arrays too, down to [`MAX_VALUE_DEPTH`]), or the value itself.
fn flatten(value: &Value, depth: usize) -> Vec<&Value> {
    match value {
        Value::Array(items) if depth < MAX_VALUE_DEPTH => {
            items.iter().flat_map(|v| flatten(v, depth + 1)).collect()
        }
        Value::Array(_) => Vec::new(),
        other => vec![other],
    }
}

/// Whether Auth0 would index anything here: not `null`, not an empty array or object.
fn is_indexed(value: &Value, depth: usize) -> bool {
    if depth >= MAX_VALUE_DEPTH {
        return false;
    }
    match value {
        Value::Null => false,
        Value::Array(items) => items.iter().any(|v| is_indexed(v, depth + 1)),
        Value::Object(fields) => fields.values().any(|v| is_indexed(v, depth + 1)),
        _ => true,
    }
}

// ---------------------------------------------------------------------------------------------
// sort and fields
// ---------------------------------------------------------------------------------------------

/// Sorts users by Auth0's `sort` parameter, `field:1` (ascending) or `field:-1` (descending).
/// Refuses a malformed spec and metadata fields, which Auth0 does not sort by ("Sorting by
/// app_metadata or user_metadata is not supported"). Users without the field come last in both
/// directions (Elasticsearch's default), and the sort is stable so equal users keep their order.
pub(crate) fn sort_users(users: &mut [Value], sort: &str) -> Result<(), QueryError> {
    let spec = SortSpec::parse(sort)?;
    users.sort_by(|a, b| spec.compare(a, b));
    Ok(())
}

struct SortSpec {
    target: Target,
    descending: bool,
}

impl SortSpec {
    fn parse(sort: &str) -> Result<SortSpec, QueryError> {
        let invalid = || QueryError::InvalidSort { sort: sort.into() };
        let (field, order) = sort.rsplit_once(':').ok_or_else(invalid)?;
        let field_ok = !field.is_empty()
            && field
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        let descending = match order {
            "1" if field_ok => false,
            "-1" if field_ok => true,
            _ => return Err(invalid()),
        };
        let root = field.split('.').next().unwrap_or(field);
        if METADATA_FIELDS.contains(&root) {
            return Err(QueryError::MetadataSort { sort: sort.into() });
        }
        Ok(SortSpec {
            target: Target::of(field),
            descending,
        })
    }

    fn key(&self, user: &Value) -> Option<SortKey> {
        self.target
            .leaves(user)
            .iter()
            .find_map(|leaf| match leaf.value {
                LeafValue::Json(Value::Bool(b)) => Some(SortKey::Bool(*b)),
                LeafValue::Json(Value::Number(n)) => n.as_f64().map(SortKey::Number),
                _ => leaf.folded_text().map(|t| SortKey::Text(t.into_owned())),
            })
    }

    fn compare(&self, a: &Value, b: &Value) -> Ordering {
        match (self.key(a), self.key(b)) {
            (Some(a), Some(b)) if self.descending => b.order(&a),
            (Some(a), Some(b)) => a.order(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
}

/// A sortable value; a field holding mixed types orders booleans, then numbers, then text.
enum SortKey {
    Bool(bool),
    Number(f64),
    Text(String),
}

impl SortKey {
    fn order(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Bool(a), SortKey::Bool(b)) => a.cmp(b),
            (SortKey::Number(a), SortKey::Number(b)) => a.total_cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            SortKey::Bool(_) => 0,
            SortKey::Number(_) => 1,
            SortKey::Text(_) => 2,
        }
    }
}

/// Applies Auth0's `fields` and `include_fields` (default true) to one user: with `include`,
/// keep only the listed top-level fields; without, drop them. An empty list keeps everything
/// ("Leave empty to retrieve all fields"). Nothing is kept implicitly, `user_id` included:
/// Auth0's parameter docs promise only the fields listed. Names are trimmed and unknown ones
/// ignored; the user's own key order is kept.
pub(crate) fn project(user: &Value, fields: &str, include: bool) -> Value {
    let listed: Vec<&str> = fields
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    let Some(object) = user.as_object() else {
        return user.clone();
    };
    if listed.is_empty() {
        return user.clone();
    }
    let kept: Map<String, Value> = object
        .iter()
        .filter(|(key, _)| listed.contains(&key.as_str()) == include)
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Value::Object(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jane() -> Value {
        json!({
            "user_id": "auth0|5457edea1b8f22891a000004",
            "email": "Jane.Doe@Example.com",
            "email_verified": true,
            "name": "Jane Doe",
            "given_name": "Jane",
            "family_name": "Doe",
            "nickname": "jane",
            "username": "JaneD",
            "phone_number": "+15555550100",
            "created_at": "2024-01-15T08:30:00.000Z",
            "updated_at": "2024-06-01T12:00:00.000Z",
            "last_login": "2024-12-31T10:00:00.000Z",
            "logins_count": 3,
            "blocked": false,
            "picture": null,
            "app_metadata": {
                "plan": "team",
                "roles": ["admin", "editor"],
                "subscription": { "plan": "gold" },
                "seats": 10,
                "empty_list": [],
                "empty_object": {},
                "nothing": null
            },
            "user_metadata": {
                "favorite_color": "blue",
                "preferences": { "fontSize": 13 },
                "addresses": [ { "city": "Paris" }, { "city": "Seattle" } ],
                "a": { "b": [ { "c": "deep" } ] }
            },
            "identities": [
                { "provider": "auth0", "connection": "Username-Password-Authentication", "user_id": "5457edea1b8f22891a000004", "isSocial": false },
                { "provider": "google-oauth2", "connection": "google-oauth2", "user_id": "1234", "isSocial": true }
            ]
        })
    }

    fn bob() -> Value {
        json!({
            "user_id": "google-oauth2|1234",
            "email": "bob@other.org",
            "email_verified": false,
            "name": "Bob Smith",
            "nickname": "bobby",
            "created_at": "2023-05-05T00:00:00.000Z",
            "last_login": "2025-01-01T00:00:00.000Z",
            "logins_count": 10,
            "app_metadata": { "plan": "free" },
            "identities": [ { "provider": "google-oauth2", "connection": "google-oauth2", "user_id": "1234", "isSocial": true } ]
        })
    }

    fn hits(q: &str, user: &Value) -> bool {
        UserQuery::parse(q)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .matches(user)
    }

    fn error(q: &str) -> QueryError {
        UserQuery::parse(q).expect_err(q)
    }

    // --- terms --------------------------------------------------------------------------

    #[test]
    fn empty_query_matches_everyone() {
        assert!(hits("", &jane()));
        assert!(hits("   ", &bob()));
    }

    #[test]
    fn field_value_matches_the_whole_value() {
        assert!(hits("nickname:jane", &jane()));
        assert!(!hits("nickname:jan", &jane()));
    }

    #[test]
    fn user_id_prefix_without_wildcard_does_not_match() {
        assert!(!hits("user_id:auth0", &jane()));
        assert!(hits("user_id:auth0*", &jane()));
    }

    #[test]
    fn quoted_phrase_matches_the_whole_value_exactly() {
        assert!(hits(r#"name:"jane doe""#, &jane()));
        assert!(!hits(r#"name:"jane""#, &jane()));
        assert!(!hits(r#"name:"doe""#, &jane()));
    }

    #[test]
    fn wildcards_inside_quotes_are_literal() {
        assert!(!hits(r#"name:"jane*""#, &jane()));
        let user = json!({ "name": "jane*" });
        assert!(hits(r#"name:"jane*""#, &user));
    }

    #[test]
    fn normalized_fields_match_case_insensitively() {
        assert!(hits("email:jane.doe@example.com", &jane()));
        assert!(hits(r#"name:"JANE DOE""#, &jane()));
        assert!(hits("given_name:JANE", &jane()));
        assert!(hits("family_name:doe", &jane()));
        assert!(hits("nickname:JaNe", &jane()));
    }

    #[test]
    fn other_fields_match_case_sensitively() {
        assert!(hits("username:JaneD", &jane()));
        assert!(!hits("username:janed", &jane()));
        assert!(!hits("app_metadata.plan:Team", &jane()));
    }

    #[test]
    fn booleans_match_their_text() {
        assert!(hits("email_verified:true", &jane()));
        assert!(hits("email_verified:false", &bob()));
        assert!(!hits("email_verified:false", &jane()));
        assert!(hits("blocked:false", &jane()));
    }

    #[test]
    fn numbers_match_their_text_and_value() {
        assert!(hits("logins_count:3", &jane()));
        assert!(hits("logins_count:3.0", &jane()));
        assert!(!hits("logins_count:4", &jane()));
    }

    #[test]
    fn unknown_field_matches_nothing() {
        assert!(!hits("no_such_field:x", &jane()));
    }

    #[test]
    fn bare_term_matches_any_top_level_string_field() {
        assert!(hits("JaneD", &jane()));
        assert!(hits("jane.doe@example.com", &jane()));
        assert!(hits(r#""Jane Doe""#, &jane()));
        assert!(!hits("JaneD", &bob()));
    }

    #[test]
    fn bare_term_follows_each_fields_case_rule() {
        assert!(hits("JANE", &jane()));
        assert!(!hits("janed", &jane()));
    }

    #[test]
    fn bare_term_never_matches_metadata() {
        assert!(!hits("blue", &jane()));
        assert!(!hits("team", &jane()));
        assert!(!hits("Paris", &jane()));
    }

    #[test]
    fn bare_star_and_star_star_match_everyone() {
        assert!(hits("*", &jane()));
        assert!(hits("*:*", &bob()));
    }

    #[test]
    fn star_field_searches_like_a_bare_term() {
        assert!(hits("*:JaneD", &jane()));
        assert!(!hits("*:blue", &jane()));
    }

    // --- existence and the index ------------------------------------------------------------

    #[test]
    fn exists_finds_present_fields() {
        assert!(hits("_exists_:username", &jane()));
        assert!(!hits("_exists_:username", &bob()));
        assert!(hits("_exists_:user_metadata.preferences.fontSize", &jane()));
    }

    #[test]
    fn null_and_empty_values_are_not_indexed() {
        assert!(!hits("_exists_:picture", &jane()));
        assert!(!hits("_exists_:app_metadata.empty_list", &jane()));
        assert!(!hits("_exists_:app_metadata.empty_object", &jane()));
        assert!(!hits("_exists_:app_metadata.nothing", &jane()));
        assert!(!hits("picture:null", &jane()));
    }

    #[test]
    fn exists_on_an_object_needs_an_indexed_value_inside() {
        assert!(hits("_exists_:app_metadata", &jane()));
        let user = json!({ "app_metadata": { "a": null, "b": [] } });
        assert!(!hits("_exists_:app_metadata", &user));
    }

    #[test]
    fn term_never_matches_an_object() {
        assert!(!hits("app_metadata.subscription:gold", &jane()));
    }

    #[test]
    fn field_star_means_the_field_exists() {
        assert!(hits("username:*", &jane()));
        assert!(!hits("username:*", &bob()));
        assert!(hits("user_metadata.favorite_color:*", &jane()));
    }

    #[test]
    fn quoted_exists_field_name_works() {
        assert!(hits(r#"_exists_:"username""#, &jane()));
    }

    #[test]
    fn exists_group_checks_each_field() {
        assert!(hits("_exists_:(username OR no_such)", &jane()));
        assert!(!hits("_exists_:(username AND no_such)", &jane()));
    }

    // --- paths ------------------------------------------------------------------------------

    #[test]
    fn nested_metadata_path_matches() {
        assert!(hits(r#"app_metadata.plan:"team""#, &jane()));
        assert!(hits(r#"app_metadata.subscription.plan:"gold""#, &jane()));
        assert!(hits("user_metadata.preferences.fontSize:13", &jane()));
        assert!(!hits(r#"app_metadata.plan:"team""#, &bob()));
    }

    #[test]
    fn arrays_along_a_path_are_skipped() {
        assert!(hits(r#"user_metadata.addresses.city:"Seattle""#, &jane()));
        assert!(hits("user_metadata.addresses.city:Paris", &jane()));
        assert!(hits("user_metadata.a.b.c:deep", &jane()));
        assert!(!hits("user_metadata.addresses.city:London", &jane()));
    }

    #[test]
    fn any_element_of_a_leaf_array_matches() {
        assert!(hits("app_metadata.roles:editor", &jane()));
        assert!(!hits("app_metadata.roles:owner", &jane()));
    }

    #[test]
    fn nested_arrays_are_flattened() {
        let user = json!({ "app_metadata": { "tags": [["a", ["b"]]] } });
        assert!(hits("app_metadata.tags:b", &user));
    }

    #[test]
    fn identities_connection_matches_any_identity() {
        assert!(hits(r#"identities.connection:"google-oauth2""#, &jane()));
        assert!(hits(
            "identities.connection:Username-Password-Authentication",
            &jane()
        ));
        assert!(!hits(
            "identities.connection:Username-Password-Authentication",
            &bob()
        ));
        assert!(hits("identities.isSocial:true", &bob()));
    }

    #[test]
    fn email_domain_is_the_part_after_the_at_sign() {
        assert!(hits(r#"email.domain:"example.com""#, &jane()));
        assert!(hits("email.domain:other.org", &bob()));
        assert!(!hits("email.domain:example.com", &bob()));
        assert!(hits("_exists_:email.domain", &jane()));
    }

    #[test]
    fn very_deep_json_does_not_overflow() {
        let mut deep = json!("x");
        for _ in 0..500 {
            deep = json!([deep]);
        }
        let user = json!({ "app_metadata": { "deep": deep } });
        assert!(!hits("app_metadata.deep:x", &user));
        assert!(!hits("_exists_:app_metadata.deep", &user));
    }

    // --- wildcards ----------------------------------------------------------------------------

    #[test]
    fn suffix_wildcard_matches_email_domain() {
        assert!(hits("email:*@example.com", &jane()));
        assert!(!hits("email:*@example.com", &bob()));
    }

    #[test]
    fn prefix_wildcard_matches() {
        assert!(hits("name:jo* OR name:ja*", &jane()));
        assert!(hits("name:j*", &jane()));
        assert!(!hits("name:jo*", &jane()));
    }

    #[test]
    fn infix_wildcard_matches() {
        assert!(hits("name:jane*doe", &jane()));
        assert!(hits("name:*doe*", &jane()));
        assert!(!hits("name:*smith*", &jane()));
    }

    #[test]
    fn question_mark_matches_one_character() {
        assert!(hits("nickname:j?ne", &jane()));
        assert!(!hits("nickname:j?e", &jane()));
    }

    #[test]
    fn escaped_wildcard_is_a_literal_character() {
        let user = json!({ "username": "a*b" });
        assert!(hits(r"username:a\*b", &user));
        assert!(!hits(r"username:a\*b", &json!({ "username": "axxb" })));
    }

    #[test]
    fn leading_wildcard_needs_three_literal_characters() {
        assert!(matches!(
            error("name:*sa"),
            QueryError::LeadingWildcard { .. }
        ));
        assert!(matches!(
            error("name:*ab*"),
            QueryError::LeadingWildcard { .. }
        ));
        assert!(matches!(
            error("name:?a"),
            QueryError::LeadingWildcard { .. }
        ));
        assert!(matches!(error("*ab"), QueryError::LeadingWildcard { .. }));
        assert!(UserQuery::parse("name:*usa").is_ok());
        assert!(hits("nickname:?ane", &jane()));
    }

    #[test]
    fn wildcards_on_user_metadata_are_refused() {
        assert!(matches!(
            error("user_metadata.favorite_color:bl*"),
            QueryError::MetadataWildcard { .. }
        ));
    }

    #[test]
    fn wildcards_on_app_metadata_are_allowed() {
        assert!(hits("app_metadata.plan:te*", &jane()));
    }

    #[test]
    fn wildcard_in_a_field_name_is_refused() {
        assert!(matches!(error("na*e:jane"), QueryError::Unsupported { .. }));
    }

    // --- ranges -------------------------------------------------------------------------------

    #[test]
    fn inclusive_range_includes_both_ends() {
        assert!(hits("logins_count:[3 TO 10]", &jane()));
        assert!(hits("logins_count:[3 TO 10]", &bob()));
    }

    #[test]
    fn exclusive_range_excludes_both_ends() {
        assert!(!hits("logins_count:{3 TO 10}", &jane()));
        assert!(!hits("logins_count:{3 TO 10}", &bob()));
        assert!(hits("logins_count:{2 TO 4}", &jane()));
    }

    #[test]
    fn mixed_brackets_include_one_end() {
        assert!(hits("logins_count:[3 TO 10}", &jane()));
        assert!(!hits("logins_count:[3 TO 10}", &bob()));
        assert!(hits("logins_count:{3 TO 10]", &bob()));
    }

    #[test]
    fn star_leaves_a_range_end_open() {
        assert!(hits("logins_count:{5 TO *]", &bob()));
        assert!(!hits("logins_count:{5 TO *]", &jane()));
        assert!(hits("logins_count:[* TO 3]", &jane()));
        assert!(hits("logins_count:[* TO *]", &jane()));
        assert!(!hits("username:[* TO *]", &bob()));
    }

    #[test]
    fn numbers_compare_numerically_not_as_text() {
        assert!(hits("logins_count:[9 TO 10]", &bob()));
        assert!(!hits("logins_count:[9 TO 10]", &jane()));
    }

    #[test]
    fn app_metadata_numbers_support_ranges() {
        assert!(hits("app_metadata.seats:[5 TO 20]", &jane()));
    }

    #[test]
    fn strings_compare_as_strings() {
        assert!(hits("nickname:[a TO k]", &jane()));
        assert!(!hits("nickname:[k TO z]", &jane()));
        assert!(hits("nickname:[JA TO JB]", &jane()));
    }

    #[test]
    fn bare_date_as_inclusive_upper_bound_takes_in_the_whole_day() {
        assert!(hits("last_login:[* TO 2024-12-31]", &jane()));
        assert!(!hits("last_login:[* TO 2024-12-31]", &bob()));
    }

    #[test]
    fn bare_date_as_exclusive_upper_bound_stops_before_the_day() {
        assert!(!hits("last_login:[* TO 2024-12-31}", &jane()));
        assert!(hits("last_login:[* TO 2025-01-01}", &jane()));
    }

    #[test]
    fn bare_date_as_exclusive_lower_bound_skips_the_whole_day() {
        assert!(!hits("last_login:{2024-12-31 TO *]", &jane()));
        assert!(hits("last_login:{2024-12-30 TO *]", &jane()));
    }

    #[test]
    fn bare_date_as_inclusive_lower_bound_starts_at_the_day() {
        assert!(hits("last_login:[2024-12-31 TO *]", &jane()));
        assert!(!hits("last_login:[2025-01-02 TO *]", &bob()));
    }

    #[test]
    fn month_and_year_bounds_cover_their_period() {
        assert!(hits("last_login:[2024-12 TO 2024-12]", &jane()));
        assert!(hits("created_at:[* TO 2024]", &jane()));
        assert!(!hits("created_at:{2024 TO *]", &jane()));
    }

    #[test]
    fn quoted_timestamp_bound_compares_as_a_string() {
        assert!(hits(
            r#"created_at:["2024-01-15T08:30:00.000Z" TO *]"#,
            &jane()
        ));
        assert!(!hits(
            r#"created_at:{"2024-01-15T08:30:00.000Z" TO *]"#,
            &jane()
        ));
    }

    #[test]
    fn ranges_on_user_metadata_are_refused() {
        assert!(matches!(
            error("user_metadata.preferences.fontSize:[1 TO 20]"),
            QueryError::MetadataRange { .. }
        ));
    }

    #[test]
    fn malformed_ranges_are_refused() {
        for q in [
            "logins_count:[1 10]",
            "logins_count:[1 TO 10",
            "logins_count:[1 TO ]",
            "logins_count:[ TO 10]",
            "logins_count:[1 TOO 10]",
            "logins_count:[",
        ] {
            assert!(matches!(error(q), QueryError::BadRange { .. }), "{q}");
        }
    }

    // --- operators ------------------------------------------------------------------------------

    #[test]
    fn and_requires_both() {
        assert!(hits("nickname:jane AND logins_count:3", &jane()));
        assert!(!hits("nickname:jane AND logins_count:4", &jane()));
    }

    #[test]
    fn or_requires_either() {
        assert!(hits("nickname:nobody OR logins_count:3", &jane()));
        assert!(!hits("nickname:nobody OR logins_count:4", &jane()));
    }

    #[test]
    fn not_negates() {
        assert!(hits("NOT nickname:bobby", &jane()));
        assert!(!hits("NOT nickname:jane", &jane()));
        assert!(hits("nickname:jane AND NOT blocked:true", &jane()));
    }

    #[test]
    fn symbol_operators_work_like_words() {
        assert!(hits("nickname:jane && logins_count:3", &jane()));
        assert!(hits("nickname:x || logins_count:3", &jane()));
        assert!(hits("!nickname:bobby", &jane()));
    }

    #[test]
    fn lowercase_operators_are_plain_terms() {
        // `and` is an ordinary (bare) term here, OR'ed with the others.
        assert!(hits("nickname:nobody and nickname:jane", &jane()));
        assert!(!hits("nickname:nobody and nickname:nobody", &jane()));
    }

    #[test]
    fn escaped_operator_word_is_a_term() {
        let user = json!({ "nickname": "AND" });
        assert!(hits(r"nickname:(\AND)", &user));
    }

    #[test]
    fn terms_side_by_side_are_ored() {
        assert!(hits("nickname:nobody nickname:jane", &jane()));
        assert!(!hits("nickname:nobody nickname:nothing", &jane()));
    }

    #[test]
    fn minus_prohibits_a_clause() {
        assert!(hits("nickname:jane -blocked:true", &jane()));
        assert!(!hits("nickname:jane -logins_count:3", &jane()));
    }

    #[test]
    fn lone_minus_matches_everyone_else() {
        assert!(hits("-nickname:bobby", &jane()));
        assert!(!hits("-nickname:bobby", &bob()));
    }

    #[test]
    fn plus_makes_a_clause_required_and_the_rest_optional() {
        assert!(hits("+nickname:jane nickname:nobody", &jane()));
        assert!(!hits("+nickname:nobody nickname:jane", &jane()));
    }

    #[test]
    fn hyphen_inside_a_term_is_not_an_operator() {
        assert!(hits("identities.connection:google-oauth2", &bob()));
    }

    #[test]
    fn not_binds_tighter_than_and_which_binds_tighter_than_or() {
        // (nickname:nobody AND logins_count:3) OR nickname:jane
        assert!(hits(
            "nickname:nobody AND logins_count:3 OR nickname:jane",
            &jane()
        ));
        // nickname:jane AND (NOT logins_count:3) → false
        assert!(!hits(
            "nickname:jane AND NOT logins_count:3 OR nickname:nobody",
            &jane()
        ));
    }

    #[test]
    fn documented_or_not_exists_example_works() {
        let q = "email_verified:false OR NOT _exists_:email_verified";
        assert!(hits(q, &bob()));
        assert!(hits(q, &json!({ "email": "x@y.z" })));
        assert!(!hits(q, &jane()));
    }

    #[test]
    fn documented_never_logged_in_example_works() {
        let q = "(NOT _exists_:logins_count OR logins_count:0)";
        assert!(hits(q, &json!({ "logins_count": 0 })));
        assert!(hits(q, &json!({ "email": "x@y.z" })));
        assert!(!hits(q, &jane()));
    }

    #[test]
    fn parentheses_group_clauses() {
        assert!(hits(
            "nickname:jane AND (logins_count:4 OR logins_count:3)",
            &jane()
        ));
        assert!(!hits(
            "nickname:jane AND (logins_count:4 OR logins_count:5)",
            &jane()
        ));
    }

    #[test]
    fn field_group_applies_the_field_to_each_term() {
        assert!(hits(r#"name:("bob smith" OR "jane doe")"#, &jane()));
        assert!(hits("nickname:(bobby jane)", &jane()));
        assert!(!hits("nickname:(bobby AND jane)", &jane()));
        assert!(hits(
            r#"email:("jane.doe@example.com" OR "bob@other.org")"#,
            &bob()
        ));
    }

    #[test]
    fn space_after_the_colon_is_allowed() {
        assert!(hits("nickname: jane", &jane()));
    }

    #[test]
    fn cli_documented_example_parses_and_matches() {
        let q = r#"email:"user123@*.com" OR (user_id:"user-id-123" AND name:"Bob")"#;
        assert!(!hits(q, &jane()));
    }

    // --- escapes ------------------------------------------------------------------------------

    #[test]
    fn escaped_space_joins_a_value() {
        assert!(hits(r"name:Jane\ Doe", &jane()));
    }

    #[test]
    fn escaped_colon_is_part_of_the_value() {
        let user = json!({ "app_metadata": { "ref": "a:b" } });
        assert!(hits(r"app_metadata.ref:a\:b", &user));
    }

    #[test]
    fn escaped_quote_inside_a_phrase_is_literal() {
        let user = json!({ "nickname": "say \"hi\"" });
        assert!(hits(r#"nickname:"say \"hi\"""#, &user));
    }

    #[test]
    fn unescaped_colon_in_a_timestamp_value_is_refused() {
        assert!(matches!(
            error("created_at:2024-01-15T08:30:00.000Z"),
            QueryError::Unexpected { .. }
        ));
    }

    // --- errors -------------------------------------------------------------------------------

    #[test]
    fn unbalanced_quote_is_refused() {
        assert_eq!(
            error(r#"name:"jane"#),
            QueryError::UnbalancedQuotes { column: 6 }
        );
    }

    #[test]
    fn unclosed_parenthesis_is_refused() {
        assert_eq!(
            error("(nickname:jane"),
            QueryError::UnbalancedParentheses { column: 1 }
        );
    }

    #[test]
    fn unopened_parenthesis_is_refused() {
        assert_eq!(
            error("nickname:jane)"),
            QueryError::UnbalancedParentheses { column: 14 }
        );
    }

    #[test]
    fn empty_group_is_refused() {
        assert!(matches!(error("()"), QueryError::Unexpected { .. }));
        assert!(matches!(error("name:()"), QueryError::Unexpected { .. }));
    }

    #[test]
    fn dangling_operators_are_refused() {
        for (q, op) in [
            ("nickname:jane AND", "AND"),
            ("nickname:jane OR", "OR"),
            ("NOT", "NOT"),
            ("nickname:jane AND )", "AND"),
            ("a OR OR b", "OR"),
            ("a AND OR b", "AND"),
            ("-", "-"),
        ] {
            match error(q) {
                QueryError::DanglingOperator { operator, .. } => assert_eq!(operator, op, "{q}"),
                other => panic!("{q}: {other:?}"),
            }
        }
    }

    #[test]
    fn leading_binary_operator_is_refused() {
        assert!(matches!(
            error("AND nickname:jane"),
            QueryError::Unexpected { .. }
        ));
        assert!(matches!(error("OR a"), QueryError::Unexpected { .. }));
    }

    #[test]
    fn field_without_value_is_refused() {
        assert_eq!(
            error("nickname:"),
            QueryError::MissingValue {
                field: "nickname".into()
            }
        );
        assert!(matches!(
            error("nickname: AND x"),
            QueryError::Unexpected { .. }
        ));
    }

    #[test]
    fn stray_colon_or_bracket_is_refused() {
        assert!(matches!(error(":jane"), QueryError::Unexpected { .. }));
        assert!(matches!(error("a:b:c"), QueryError::Unexpected { .. }));
        assert!(matches!(error("jane]"), QueryError::Unexpected { .. }));
    }

    #[test]
    fn trailing_backslash_is_refused() {
        assert_eq!(error(r"name:jane\"), QueryError::TrailingEscape);
    }

    #[test]
    fn fuzzy_boost_and_regex_are_refused() {
        for q in ["name:jane~", "name:jane~2", "name:jane^2", "name:/ja.e/"] {
            assert!(matches!(error(q), QueryError::Unsupported { .. }), "{q}");
        }
    }

    #[test]
    fn over_long_query_is_refused() {
        let q = "a ".repeat(MAX_QUERY_BYTES);
        assert_eq!(
            error(&q),
            QueryError::TooLong {
                max: MAX_QUERY_BYTES
            }
        );
    }

    #[test]
    fn query_at_the_length_cap_is_accepted() {
        let q = "a".repeat(MAX_QUERY_BYTES);
        assert!(UserQuery::parse(&q).is_ok());
    }

    #[test]
    fn nesting_up_to_the_cap_is_accepted() {
        let q = format!(
            "{}nickname:jane{}",
            "(".repeat(MAX_DEPTH),
            ")".repeat(MAX_DEPTH)
        );
        assert!(hits(&q, &jane()));
    }

    #[test]
    fn nesting_past_the_cap_is_refused() {
        let deep = MAX_DEPTH + 1;
        let q = format!("{}a{}", "(".repeat(deep), ")".repeat(deep));
        assert_eq!(error(&q), QueryError::TooDeep { max: MAX_DEPTH });
        assert_eq!(
            error(&format!("{}a", "NOT ".repeat(deep))),
            QueryError::TooDeep { max: MAX_DEPTH }
        );
        assert_eq!(
            error(&"(".repeat(2000)),
            QueryError::TooDeep { max: MAX_DEPTH }
        );
        assert_eq!(
            error(&"-".repeat(2000)),
            QueryError::TooDeep { max: MAX_DEPTH }
        );
    }

    #[test]
    fn messages_read_like_auth0s() {
        let message = error(r#"name:"jane"#).to_string();
        assert!(
            message.starts_with("The search query string has an error: "),
            "{message}"
        );
        assert!(message.contains("unbalanced quotes"), "{message}");
        assert!(error("name:*sa").to_string().contains("at least 3"));
    }

    // --- garbage --------------------------------------------------------------------------------

    /// A small deterministic generator, so a failure can be replayed.
    struct XorShift(u64);

    impl XorShift {
        fn next_u64(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next_u64() % n as u64) as usize
        }
    }

    const PIECES: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ":",
        "\"",
        "\\",
        "*",
        "?",
        "+",
        "-",
        "!",
        "&&",
        "||",
        "AND",
        "OR",
        "NOT",
        "TO",
        " ",
        " ",
        "name",
        "email.domain",
        "_exists_",
        "user_metadata.a",
        "app_metadata.plan",
        "identities.connection",
        "2024-12-31",
        "3",
        "é",
        "日本",
        "\u{0}",
        "~",
        "^",
        "/",
        "jo*",
        "*@example.com",
        "\t",
        "logins_count",
    ];

    #[test]
    fn garbage_never_panics() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let users = [jane(), bob(), json!({}), json!(null), json!([1, 2])];
        for _ in 0..20_000 {
            let len = rng.below(24);
            let q: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
            if let Ok(query) = UserQuery::parse(&q) {
                for user in &users {
                    let _ = query.matches(user);
                }
            }
        }
    }

    #[test]
    fn random_characters_never_panic() {
        let mut rng = XorShift(42);
        let (jane, bob) = (jane(), bob());
        for _ in 0..20_000 {
            let len = rng.below(40);
            let q: String = (0..len)
                .filter_map(|_| char::from_u32((rng.next_u64() % 0x250) as u32))
                .collect();
            if let Ok(query) = UserQuery::parse(&q) {
                let _ = query.matches(&jane);
            }
            let mut users = [jane.clone(), bob.clone()];
            let _ = sort_users(&mut users, &q);
            let _ = project(&jane, &q, rng.next_u64() & 1 == 0);
        }
    }

    // --- sort ---------------------------------------------------------------------------------

    fn ids(users: &[Value]) -> Vec<&str> {
        users
            .iter()
            .map(|u| u["user_id"].as_str().unwrap_or("?"))
            .collect()
    }

    fn people() -> Vec<Value> {
        vec![
            json!({ "user_id": "a", "created_at": "2024-03-01T00:00:00.000Z", "logins_count": 10, "name": "bravo" }),
            json!({ "user_id": "b", "created_at": "2023-01-01T00:00:00.000Z", "logins_count": 9, "name": "Alpha" }),
            json!({ "user_id": "c", "logins_count": 9, "name": "charlie" }),
            json!({ "user_id": "d", "created_at": "2025-01-01T00:00:00.000Z", "name": "delta" }),
        ]
    }

    #[test]
    fn sort_ascending_by_date() {
        let mut users = people();
        sort_users(&mut users, "created_at:1").unwrap();
        assert_eq!(ids(&users), ["b", "a", "d", "c"]);
    }

    #[test]
    fn sort_descending_by_date() {
        let mut users = people();
        sort_users(&mut users, "created_at:-1").unwrap();
        assert_eq!(ids(&users), ["d", "a", "b", "c"]);
    }

    #[test]
    fn sort_numbers_numerically() {
        let mut users = people();
        sort_users(&mut users, "logins_count:1").unwrap();
        assert_eq!(ids(&users), ["b", "c", "a", "d"]);
    }

    #[test]
    fn sort_puts_missing_values_last_both_ways() {
        let mut users = people();
        sort_users(&mut users, "logins_count:-1").unwrap();
        assert_eq!(ids(&users), ["a", "b", "c", "d"]);
    }

    #[test]
    fn sort_is_stable() {
        let mut users = people();
        sort_users(&mut users, "logins_count:-1").unwrap();
        // b and c tie on 9 and keep their input order.
        assert_eq!(ids(&users).get(1..3), Some(&["b", "c"][..]));
    }

    #[test]
    fn sort_normalized_fields_ignore_case() {
        let mut users = people();
        sort_users(&mut users, "name:1").unwrap();
        assert_eq!(ids(&users), ["b", "a", "c", "d"]);
    }

    #[test]
    fn sort_by_metadata_is_refused() {
        let mut users = people();
        for spec in [
            "app_metadata.plan:1",
            "user_metadata:-1",
            "user_metadata.a.b:1",
        ] {
            assert!(
                matches!(
                    sort_users(&mut users, spec),
                    Err(QueryError::MetadataSort { .. })
                ),
                "{spec}"
            );
        }
    }

    #[test]
    fn malformed_sort_is_refused() {
        let mut users = people();
        for spec in [
            "",
            "created_at",
            "created_at:",
            "created_at:2",
            ":1",
            "created-at:1",
            "created_at:1:1",
            "created_at:+1",
        ] {
            assert!(
                matches!(
                    sort_users(&mut users, spec),
                    Err(QueryError::InvalidSort { .. })
                ),
                "{spec}"
            );
        }
    }

    #[test]
    fn sort_error_quotes_the_pattern() {
        let mut users = people();
        let message = sort_users(&mut users, "bad").unwrap_err().to_string();
        assert!(message.starts_with("Query validation error: "), "{message}");
        assert!(
            message.contains(r"^(([a-zA-Z0-9_\.]+))\:(1|-1)$"),
            "{message}"
        );
    }

    // --- fields -------------------------------------------------------------------------------

    #[test]
    fn project_includes_only_listed_fields() {
        let out = project(&jane(), "email,name", true);
        assert_eq!(
            out,
            json!({ "email": "Jane.Doe@Example.com", "name": "Jane Doe" })
        );
    }

    #[test]
    fn project_does_not_add_user_id_implicitly() {
        let out = project(&jane(), "email", true);
        assert!(out.get("user_id").is_none());
    }

    #[test]
    fn project_excludes_listed_fields() {
        let out = project(&jane(), "identities,app_metadata,user_metadata", false);
        assert!(out.get("identities").is_none() && out.get("app_metadata").is_none());
        assert_eq!(out.get("user_id"), jane().get("user_id"));
    }

    #[test]
    fn project_with_no_fields_keeps_everything() {
        assert_eq!(project(&jane(), "", true), jane());
        assert_eq!(project(&jane(), " , ", false), jane());
    }

    #[test]
    fn project_trims_names_and_ignores_unknown_ones() {
        let out = project(&jane(), " email , nope ", true);
        assert_eq!(out, json!({ "email": "Jane.Doe@Example.com" }));
    }

    #[test]
    fn project_keeps_the_users_key_order() {
        let out = project(&jane(), "name,user_id", true);
        let keys: Vec<&String> = out
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["user_id", "name"]);
    }
}
