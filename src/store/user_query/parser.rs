//! The recursive-descent parser from tokens to the query tree, with Auth0's term rules
//! (leading wildcards, no wildcards or ranges on `user_metadata`).

use super::lexer::{RangeTok, Spanned, Tok, Word};
use super::rules::{MAX_DEPTH, MIN_LEADING_WILDCARD_LITERALS, QueryError};
use super::tree::{Bound, Matcher, Node, Target};

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
pub(super) struct Parser {
    pub(super) tokens: Vec<Spanned>,
    pub(super) pos: usize,
    pub(super) depth: usize,
}

impl Parser {
    pub(super) fn new(tokens: Vec<Spanned>) -> Self {
        Parser {
            tokens,
            pos: 0,
            depth: 0,
        }
    }

    pub(super) fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    pub(super) fn column(&self) -> usize {
        self.tokens
            .get(self.pos)
            .map_or_else(|| self.end_column(), |(_, c)| *c)
    }

    pub(super) fn end_column(&self) -> usize {
        self.tokens.last().map_or(1, |(_, c)| c + 1)
    }

    pub(super) fn bump(&mut self) -> Option<Spanned> {
        let tok = self.tokens.get(self.pos).cloned();
        if tok.is_some() {
            self.pos += 1;
        }
        tok
    }

    pub(super) fn next_starts_clause(&self) -> bool {
        self.peek().is_some_and(Tok::starts_clause)
    }

    /// Counts one level of nesting; paired with [`Parser::leave`].
    pub(super) fn enter(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(QueryError::TooDeep { max: MAX_DEPTH });
        }
        Ok(())
    }

    pub(super) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub(super) fn query(mut self) -> Result<Node, QueryError> {
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
    pub(super) fn or_expr(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
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

    pub(super) fn and_expr(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
        let mut clauses = vec![self.unary(field)?];
        while self.peek() == Some(&Tok::And) {
            let column = self.column();
            self.pos += 1;
            self.operand_follows("AND", column)?;
            clauses.push(self.unary(field)?);
        }
        Ok(one_or(clauses, Node::And))
    }

    pub(super) fn operand_follows(&self, operator: &str, column: usize) -> Result<(), QueryError> {
        if self.next_starts_clause() {
            Ok(())
        } else {
            Err(QueryError::DanglingOperator {
                operator: operator.into(),
                column,
            })
        }
    }

    pub(super) fn unary(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
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

    pub(super) fn primary(&mut self, field: Option<&str>) -> Result<Node, QueryError> {
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
    pub(super) fn group(
        &mut self,
        field: Option<&str>,
        open_column: usize,
    ) -> Result<Node, QueryError> {
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
    pub(super) fn field_value(&mut self, field: &str) -> Result<Node, QueryError> {
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
pub(super) fn one_or(mut clauses: Vec<Node>, list: fn(Vec<Node>) -> Node) -> Node {
    if clauses.len() == 1
        && let Some(only) = clauses.pop()
    {
        return only;
    }
    list(clauses)
}

/// The value part of a term, before it becomes a matcher.
pub(super) enum TermValue {
    Word(Word),
    Phrase(String),
}

/// A field name is taken literally; only `*` (every field) may carry a wildcard, because the
/// mock does not expand field-name patterns.
pub(super) fn field_name(word: &Word, column: usize) -> Result<String, QueryError> {
    if word.has_wildcards() && !word.is_lone_star() {
        return Err(QueryError::Unsupported {
            what: "wildcards in field names",
            column,
        });
    }
    Ok(word.text())
}

pub(super) fn is_user_metadata(field: &str) -> bool {
    field == "user_metadata" || field.starts_with("user_metadata.")
}

pub(super) fn term(
    field: Option<&str>,
    value: TermValue,
    column: usize,
) -> Result<Node, QueryError> {
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

pub(super) fn check_wildcard(field: &str, word: &Word) -> Result<(), QueryError> {
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

pub(super) fn range_node(
    field: Option<&str>,
    range: RangeTok,
    column: usize,
) -> Result<Node, QueryError> {
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
