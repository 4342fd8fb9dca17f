//! jose's `StringOrURI`: RFC 3986 URIs as Haskell's `network-uri` parses them.
//!
//! jose accepts any string for `iss`, `sub` and `aud`, but one containing a
//! `:` must parse with `Network.URI.parseURI` (the RFC 3986 `URI` rule: an
//! absolute URI with an optional fragment). The `url` crate follows the
//! WHATWG URL standard instead, which repairs spaces, backslashes and
//! non-ASCII characters that `network-uri` refuses, so it cannot stand in.
//! [`is_uri`] follows `network-uri` 2.6.4.2's grammar, quirks included
//! (a host has at most 255 characters; IPv4 octets may have leading zeros).

use serde_json::Value;

use crate::haskell::type_mismatch;

/// Whether `text` is an RFC 3986 `URI` for `Network.URI.parseURI`.
pub fn is_uri(text: &str) -> bool {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    p.uri() && p.i == p.s.len()
}

/// jose's `FromJSON StringOrURI`, with aeson's messages.
pub fn parse_string_or_uri(value: &Value) -> Result<String, String> {
    let Value::String(s) = value else {
        return Err(type_mismatch("StringOrURI", "String", value));
    };
    if s.contains(':') && !is_uri(s) {
        return Err("failed to parse StringOrURI".to_string());
    }
    Ok(s.clone())
}

/// jose's `FromJSON Audience`: a list of StringOrURI, or else one.
///
/// aeson's `<|>` reports the second alternative's failure, so a list with
/// a bad element is "expected String, but encountered Array".
pub fn parse_audience(value: &Value) -> Result<Vec<String>, String> {
    if let Value::Array(items) = value
        && let Ok(list) = items.iter().map(parse_string_or_uri).collect()
    {
        return Ok(list);
    }
    parse_string_or_uri(value).map(|one| vec![one])
}

/// How jose's `ToJSON StringOrURI` prints a URI: `show` of `network-uri`
/// hides a password in the user info (`user:...@`).
pub fn show_string_or_uri(text: &str) -> String {
    let Some(scheme_end) = text.find(':') else {
        return text.to_string();
    };
    let rest = &text[scheme_end + 1..];
    let Some(after_slashes) = rest.strip_prefix("//") else {
        return text.to_string();
    };
    let authority_end = after_slashes
        .find(['/', '?', '#'])
        .unwrap_or(after_slashes.len());
    let authority = &after_slashes[..authority_end];
    // User info cannot contain `@`, so the first one ends it.
    let Some(at) = authority.find('@') else {
        return text.to_string();
    };
    let user_info = &authority[..=at];
    let Some(colon) = user_info.find(':') else {
        return text.to_string();
    };
    let password = &user_info[colon..];
    if password == ":@" {
        return text.to_string();
    }
    let prefix_len = scheme_end + 1 + 2;
    format!(
        "{}{}:...@{}",
        &text[..prefix_len],
        &user_info[..colon],
        &after_slashes[at + 1..]
    )
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-_.~".contains(&c)
}

fn is_sub_delim(c: u8) -> bool {
    b"!$&'()*+,;=".contains(&c)
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, text: &[u8]) -> bool {
        if self.s[self.i..].starts_with(text) {
            self.i += text.len();
            true
        } else {
            false
        }
    }

    /// `%` HEXDIG HEXDIG; `None` is a hard failure (a `%` without two hex
    /// digits: Parsec has consumed the `%` and cannot backtrack).
    fn escaped(&mut self) -> Option<bool> {
        if self.peek() != Some(b'%') {
            return Some(false);
        }
        let ok = self.s.get(self.i + 1).is_some_and(u8::is_ascii_hexdigit)
            && self.s.get(self.i + 2).is_some_and(u8::is_ascii_hexdigit);
        if ok {
            self.i += 3;
            Some(true)
        } else {
            None
        }
    }

    /// `unreserved / pct-encoded / sub-delims / extras`, one token.
    fn uchar(&mut self, extras: &[u8]) -> Option<bool> {
        match self.peek() {
            Some(c) if is_unreserved(c) || is_sub_delim(c) || extras.contains(&c) => {
                self.i += 1;
                Some(true)
            }
            Some(b'%') => self.escaped(),
            _ => Some(false),
        }
    }

    /// `many (uchar extras)`; `false` on a malformed escape.
    fn many_uchar(&mut self, extras: &[u8]) -> bool {
        loop {
            match self.uchar(extras) {
                Some(true) => {}
                Some(false) => return true,
                None => return false,
            }
        }
    }

    fn uri(&mut self) -> bool {
        // scheme ":" — letter, then letters, digits, "+", "-", ".".
        if !self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            return false;
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || b"+-.".contains(&c))
        {
            self.i += 1;
        }
        if !self.eat(b':') {
            return false;
        }
        if !self.hier_part() {
            return false;
        }
        if self.eat(b'?') && !self.many_uchar(b":@/?") {
            return false;
        }
        if self.eat(b'#') && !self.many_uchar(b":@/?") {
            return false;
        }
        true
    }

    fn hier_part(&mut self) -> bool {
        if self.eat_str(b"//") {
            return self.authority() && self.path_ab_empty();
        }
        if self.peek() == Some(b'/') {
            // path-absolute: "/" [ segment-nz *( "/" segment ) ]
            self.i += 1;
            return self.path_rootless_optional();
        }
        // path-rootless, or empty.
        self.path_rootless_optional()
    }

    fn path_rootless_optional(&mut self) -> bool {
        let start = self.i;
        if !self.many_uchar(b":@") {
            return false;
        }
        if self.i == start {
            return true;
        }
        self.path_ab_empty()
    }

    fn path_ab_empty(&mut self) -> bool {
        while self.eat(b'/') {
            if !self.many_uchar(b":@") {
                return false;
            }
        }
        true
    }

    fn authority(&mut self) -> bool {
        // [ userinfo "@" ], tried and abandoned if no "@" follows.
        let start = self.i;
        let user_info_ok = self.many_uchar(b";:&=+$,");
        if !(user_info_ok && self.eat(b'@')) {
            self.i = start;
        }
        if !self.host() {
            return false;
        }
        if self.eat(b':') {
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
        }
        true
    }

    fn host(&mut self) -> bool {
        if self.eat(b'[') {
            return (self.ipv6_with_zone() || self.ipv_future()) && self.eat(b']');
        }
        // IPv4address is a subset of reg-name, so only reg-name matters:
        // up to 255 unreserved / pct-encoded / sub-delims tokens.
        let mut count = 0;
        while count < 255 {
            match self.peek() {
                Some(c) if is_unreserved(c) || is_sub_delim(c) => self.i += 1,
                Some(b'%') => match self.escaped() {
                    Some(true) => {}
                    _ => return false,
                },
                _ => break,
            }
            count += 1;
        }
        true
    }

    fn ipv_future(&mut self) -> bool {
        let start = self.i;
        let ok = self.eat(b'v') && self.peek().is_some_and(|c| c.is_ascii_hexdigit()) && {
            self.i += 1;
            self.eat(b'.')
        };
        if !ok {
            self.i = start;
            return false;
        }
        let body = self.i;
        while self
            .peek()
            .is_some_and(|c| is_unreserved(c) || is_sub_delim(c) || c == b':')
        {
            self.i += 1;
        }
        self.i > body
    }

    fn ipv6_with_zone(&mut self) -> bool {
        let end = self.s[self.i..]
            .iter()
            .position(|&c| c == b']' || c == b'%')
            .map_or(self.s.len(), |p| self.i + p);
        let Ok(text) = std::str::from_utf8(&self.s[self.i..end]) else {
            return false;
        };
        if !is_ipv6(text) {
            return false;
        }
        self.i = end;
        if self.s[self.i..].starts_with(b"%25") {
            let zone_start = self.i + 3;
            let mut j = zone_start;
            loop {
                match self.s.get(j) {
                    Some(&c) if is_unreserved(c) => j += 1,
                    Some(b'%')
                        if self.s.get(j + 1).is_some_and(u8::is_ascii_hexdigit)
                            && self.s.get(j + 2).is_some_and(u8::is_ascii_hexdigit) =>
                    {
                        j += 3
                    }
                    _ => break,
                }
            }
            if j > zone_start {
                self.i = j;
            }
        }
        true
    }
}

/// RFC 3986 `IPv6address`, with `network-uri`'s `dec-octet` (1–3 digits,
/// at most 255, leading zeros allowed) in an embedded IPv4 tail.
fn is_ipv6(text: &str) -> bool {
    fn h16(part: &str) -> bool {
        (1..=4).contains(&part.len()) && part.bytes().all(|c| c.is_ascii_hexdigit())
    }
    fn ipv4(part: &str) -> bool {
        let octets: Vec<&str> = part.split('.').collect();
        octets.len() == 4
            && octets.iter().all(|o| {
                (1..=3).contains(&o.len())
                    && o.bytes().all(|c| c.is_ascii_digit())
                    && o.parse::<u16>().is_ok_and(|v| v <= 255)
            })
    }
    /// The number of 16-bit pieces in a `:`-separated run, the last of
    /// which may be an IPv4 address when `tail` allows it.
    fn pieces(run: &str, tail: bool) -> Option<usize> {
        if run.is_empty() {
            return Some(0);
        }
        let parts: Vec<&str> = run.split(':').collect();
        let mut count = 0;
        for (i, part) in parts.iter().enumerate() {
            if tail && i == parts.len() - 1 && part.contains('.') {
                if !ipv4(part) {
                    return None;
                }
                count += 2;
            } else if h16(part) {
                count += 1;
            } else {
                return None;
            }
        }
        Some(count)
    }
    match text.split_once("::") {
        None => pieces(text, true) == Some(8),
        Some((left, right)) => {
            if right.contains("::") {
                return false;
            }
            match (pieces(left, false), pieces(right, true)) {
                (Some(l), Some(r)) => l + r <= 7,
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests;
