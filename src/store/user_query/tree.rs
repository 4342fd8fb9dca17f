//! The parsed query, and how it is evaluated against one user: whole-value terms, wildcard
//! patterns, ranges (numeric, date or string order) and Lucene's Boolean clause lists.

use super::lexer::Glyph;
use super::user_values::{
    Leaf, LeafValue, email_domain, is_case_insensitive, resolve, top_level_strings,
};
use serde_json::Value;
use std::cmp::Ordering;

/// Where a clause looks in a user.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Target {
    /// A term typed without a field: every top-level string field except the metadata
    /// (Auth0: "A term without a field name will not match text in the user metadata fields").
    AnyTopLevel,
    /// `email.domain`, which Auth0 indexes as the part of `email` after the `@`.
    EmailDomain,
    /// A dotted path from the user's root.
    Path(Vec<String>),
}

impl Target {
    pub(super) fn of(field: &str) -> Target {
        match field {
            "*" => Target::AnyTopLevel,
            "email.domain" => Target::EmailDomain,
            _ => Target::Path(field.split('.').map(str::to_owned).collect()),
        }
    }

    /// The values this target finds in `user`, arrays flattened, each with its case rule.
    pub(super) fn leaves<'a>(&self, user: &'a Value) -> Vec<Leaf<'a>> {
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
pub(super) enum Matcher {
    /// The whole value equals the text (a quoted phrase, or a term without wildcards).
    Exact(String),
    /// The whole value matches the wildcard pattern.
    Pattern(Vec<Glyph>),
}

/// One end of a range; `text: None` is open.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Bound {
    pub(super) text: Option<String>,
    pub(super) inclusive: bool,
}

/// The parsed query. Kept apart from the tokens so evaluation never re-reads syntax.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
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

impl Node {
    pub(super) fn eval(&self, user: &Value) -> bool {
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
pub(super) fn eval_or(clauses: &[Node], user: &Value) -> bool {
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

impl Matcher {
    pub(super) fn accepts(&self, leaf: &Leaf) -> bool {
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
pub(super) fn exact(leaf: &Leaf, query: &str) -> bool {
    if let (Some(stored), Some(wanted)) = (leaf.number(), parse_number(query)) {
        return stored == wanted;
    }
    leaf.folded_text()
        .is_some_and(|text| *text == *leaf.normalize(query))
}

pub(super) fn parse_number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

pub(super) fn lowercase_glyphs(glyphs: &[Glyph]) -> Vec<Glyph> {
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
pub(super) fn wildcard_match(pattern: &[Glyph], text: &[char]) -> bool {
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
    pub(super) fn admits_above(&self, leaf: &Leaf) -> bool {
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
    pub(super) fn admits_below(&self, leaf: &Leaf) -> bool {
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
pub(super) fn compare(leaf: &Leaf, bound: &str, whole_period: bool) -> Option<Ordering> {
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
pub(super) const ISO_SHAPE: &str = "0000-00-00T00:00:00";

pub(super) fn fits_iso_shape(s: &str) -> bool {
    s.chars().zip(ISO_SHAPE.chars()).all(|(c, shape)| {
        if shape == '0' {
            c.is_ascii_digit()
        } else {
            c == shape
        }
    })
}

pub(super) fn is_date_prefix(bound: &str) -> bool {
    matches!(bound.len(), 4 | 7 | 10 | 13 | 16 | 19) && fits_iso_shape(bound)
}

pub(super) fn looks_like_date(text: &str) -> bool {
    text.len() >= 10 && text.get(..10).is_some_and(fits_iso_shape)
}
