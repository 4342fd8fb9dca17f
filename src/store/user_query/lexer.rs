//! Tokens of a `q`: terms (wildcards kept apart from escaped characters), phrases, ranges,
//! operators and parentheses, with the column each starts at for the error texts.

use super::rules::QueryError;

/// One character of an unquoted term. Wildcards are kept apart from literal characters so an
/// escaped `\*` stays a plain asterisk.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Glyph {
    Lit(char),
    AnyRun,
    AnyOne,
}

/// An unquoted term, as typed (escapes already resolved).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Word {
    pub(super) glyphs: Vec<Glyph>,
    pub(super) escaped: bool,
}

impl Word {
    pub(super) fn has_wildcards(&self) -> bool {
        self.glyphs.iter().any(|g| !matches!(g, Glyph::Lit(_)))
    }

    pub(super) fn starts_with_wildcard(&self) -> bool {
        self.glyphs
            .first()
            .is_some_and(|g| !matches!(g, Glyph::Lit(_)))
    }

    pub(super) fn literal_count(&self) -> usize {
        self.glyphs
            .iter()
            .filter(|g| matches!(g, Glyph::Lit(_)))
            .count()
    }

    pub(super) fn is_lone_star(&self) -> bool {
        self.glyphs == [Glyph::AnyRun]
    }

    /// The term's text with wildcards written back as `*` and `?`, for field names and messages.
    pub(super) fn text(&self) -> String {
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
    pub(super) fn operator(&self) -> Option<Tok> {
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
pub(super) struct RangeTok {
    pub(super) lower: Option<String>,
    pub(super) upper: Option<String>,
    pub(super) lower_inclusive: bool,
    pub(super) upper_inclusive: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
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
    pub(super) fn describe(&self) -> String {
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
    pub(super) fn starts_clause(&self) -> bool {
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
pub(super) type Spanned = (Tok, usize);

/// Characters that end an unquoted term (unless escaped). `+`, `-` and `!` are not among them:
/// as in Lucene they are operators only at the start of a term, so `google-oauth2` is one term.
pub(super) fn ends_term(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | ')' | ':' | '"' | '[' | ']' | '{' | '}' | '~' | '^' | '/'
        )
}

pub(super) struct Lexer {
    pub(super) chars: Vec<char>,
    pub(super) pos: usize,
}

impl Lexer {
    pub(super) fn new(q: &str) -> Self {
        Lexer {
            chars: q.chars().collect(),
            pos: 0,
        }
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    pub(super) fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    pub(super) fn column(&self) -> usize {
        self.pos + 1
    }

    pub(super) fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    pub(super) fn tokens(mut self) -> Result<Vec<Spanned>, QueryError> {
        let mut out = Vec::new();
        loop {
            self.skip_whitespace();
            let Some(c) = self.peek() else { return Ok(out) };
            let column = self.column();
            let tok = self.token(c, column)?;
            out.push((tok, column));
        }
    }

    pub(super) fn token(&mut self, c: char, column: usize) -> Result<Tok, QueryError> {
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
    pub(super) fn escaped(&mut self) -> Result<char, QueryError> {
        self.pos += 1;
        let c = self.peek().ok_or(QueryError::TrailingEscape)?;
        self.pos += 1;
        Ok(c)
    }

    pub(super) fn word(&mut self) -> Result<Word, QueryError> {
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

    pub(super) fn advance<T>(&mut self, value: T) -> T {
        self.pos += 1;
        value
    }

    /// A double-quoted phrase; `\"` and `\\` inside it are literal.
    pub(super) fn phrase(&mut self) -> Result<String, QueryError> {
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
    pub(super) fn range(&mut self) -> Result<RangeTok, QueryError> {
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
    pub(super) fn bound(&mut self) -> Result<BoundText, QueryError> {
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
pub(super) enum BoundText {
    Missing,
    Given(Option<String>),
}
