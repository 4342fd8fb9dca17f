//! The legacy password policy of Auth0 database connections (`options.passwordPolicy` plus
//! `options.password_complexity_options.min_length`), checked the way Auth0 checks it: with the
//! rules, messages and output shapes of Auth0's library password-sheriff, so clients that parse an
//! `invalid_password` body (Lock, the SDKs) see what a real tenant sends.
//!
//! Sources reproduced:
//! - password-sheriff 2.0.0 (npm; github auth0/password-sheriff at v2.0.0): `index.js` (the five
//!   levels), `lib/policy.js` (`missing()` gives `description`, `toString()` gives `policy`),
//!   `lib/rules/length.js`, `contains.js`, `containsAtLeast.js`, `identicalChars.js`. Version 2.0.0
//!   restored the "Contain at least…" wording that real bodies carry.
//! - The real `invalid_password` body in go-auth0 `authentication/authentication_error_test.go`.
//! - Auth0 docs "Password Strength in Auth0 Database Connections"
//!   (`authenticate/database-connections/password-strength`): a set minimum length "supercedes"
//!   the level's; Lock's `core/client` does the same, replacing the level's `minLength`.
//! - A real Universal Login sign-up page, for the labels of [`PasswordPolicy::hint_rules`].
//!
//! Lengths are counted in UTF-16 code units, as JavaScript's `password.length` does (an emoji
//! counts 2); letters and digits are ASCII only, as in password-sheriff's `/[a-z]/`, `/[A-Z]/`
//! and `/\d/`. Legacy policies accept passwords over bcrypt's 72 bytes and silently hash only
//! the first 72 (docs `flexible-password-policy`), so nothing here refuses a long password.

use serde_json::{Map, Value, json};

/// Auth0's password policy levels. The default is `good` because that is what the Dashboard gives
/// a new database connection (tenant exports show it); a connection stored with no level is
/// checked as `none`, see [`PasswordPolicy::from_options`]. An unknown name is refused by serde
/// rather than falling back to `none` as password-sheriff does, so a typo in a fixture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyLevel {
    None,
    Low,
    Fair,
    #[default]
    Good,
    Excellent,
}

/// A database connection's password rules: the level plus Auth0's `min_length` override, kept
/// together because the override replaces the level's own minimum rather than adding a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PasswordPolicy {
    pub level: PolicyLevel,
    pub min_length: Option<u32>,
}

/// One line of the Universal Login hint list, with the `data-error-code` the real page puts on
/// it, so a sign-up page can be built in the same shape tests select on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyHint {
    pub code: String,
    pub label: String,
    pub items: Vec<PolicyHint>,
}

impl PolicyHint {
    fn new(code: &str, label: String) -> Self {
        let code = format!("password-policy-{code}");
        Self {
            code,
            label,
            items: Vec::new(),
        }
    }
}

/// Why a password was refused, in password-sheriff's shapes. It keeps every rule (met or not)
/// because Auth0's `description` lists them all with their `verified` flags.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyFailure {
    rules: Vec<Checked>,
}

#[derive(Debug, Clone, PartialEq)]
struct Checked {
    rule: Rule,
    verified: bool,
    items: Vec<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    Lower,
    Upper,
    Numbers,
    Special,
}

use Charset::{Lower, Numbers, Special, Upper};
const FAIR_SETS: &[Charset] = &[Lower, Upper, Numbers];
const ALL_SETS: &[Charset] = &[Lower, Upper, Numbers, Special];

impl Charset {
    /// password-sheriff's code and message, then Universal Login's code and label.
    fn texts(self) -> [&'static str; 4] {
        match self {
            Lower => [
                "lowerCase",
                "lower case letters (a-z)",
                "lower-case",
                "Lower case letters (a-z)",
            ],
            Upper => [
                "upperCase",
                "upper case letters (A-Z)",
                "upper-case",
                "Upper case letters (A-Z)",
            ],
            Numbers => ["numbers", "numbers (i.e. 0-9)", "numbers", "Numbers (0-9)"],
            Special => {
                let msg = "special characters (e.g. !@#$%^&*)";
                [
                    "specialCharacters",
                    msg,
                    "special-characters",
                    "Special characters (e.g. !@#$%^&*)",
                ]
            }
        }
    }

    fn message(self) -> &'static str {
        self.texts()[1]
    }

    fn hint(self) -> PolicyHint {
        let [_, _, code, label] = self.texts();
        PolicyHint::new(code, label.to_owned())
    }

    /// password-sheriff's special set is space plus exactly the 32 ASCII punctuation marks.
    fn found_in(self, password: &str) -> bool {
        password.chars().any(|c| match self {
            Lower => c.is_ascii_lowercase(),
            Upper => c.is_ascii_uppercase(),
            Numbers => c.is_ascii_digit(),
            Special => c == ' ' || c.is_ascii_punctuation(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Length(u32),
    ShouldContain(&'static [Charset]),
    ContainsAtLeast(u32, &'static [Charset]),
    IdenticalChars(u32),
}

impl Rule {
    /// password-sheriff's `code` and message template.
    fn texts(self) -> (&'static str, &'static str) {
        match self {
            Rule::Length(1) => ("nonEmpty", "Non-empty password required"),
            Rule::Length(_) => ("lengthAtLeast", "At least %d characters in length"),
            Rule::ShouldContain(_) => ("shouldContain", "Should contain:"),
            Rule::ContainsAtLeast(..) => (
                "containsAtLeast",
                "Contain at least %d of the following %d types of characters:",
            ),
            Rule::IdenticalChars(_) => (
                "identicalChars",
                "No more than %d identical characters in a row (e.g., \"%s\" not allowed)",
            ),
        }
    }

    fn format(self) -> Vec<Value> {
        match self {
            Rule::Length(1) | Rule::ShouldContain(_) => Vec::new(),
            Rule::Length(min) => vec![min.into()],
            Rule::ContainsAtLeast(n, sets) => vec![n.into(), sets.len().into()],
            Rule::IdenticalChars(max) => vec![max.into(), "a".repeat(max as usize + 1).into()],
        }
    }

    fn items(self) -> &'static [Charset] {
        match self {
            Rule::ShouldContain(sets) | Rule::ContainsAtLeast(_, sets) => sets,
            Rule::Length(_) | Rule::IdenticalChars(_) => &[],
        }
    }

    /// The message with `%d`/`%s` filled in order, as password-sheriff's `format` helper does.
    fn formatted(self) -> String {
        let mut args = self.format().into_iter();
        let mut out = String::new();
        let mut chars = self.texts().1.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().copied()) {
                ('%', Some(spec @ ('d' | 's'))) => {
                    chars.next();
                    match args.next() {
                        Some(Value::String(s)) => out.push_str(&s),
                        Some(v) => out.push_str(&v.to_string()),
                        None => out.extend(['%', spec]),
                    }
                }
                _ => out.push(c),
            }
        }
        out
    }

    fn check(self, password: &str) -> Checked {
        let items: Vec<bool> = self.items().iter().map(|s| s.found_in(password)).collect();
        let verified = match self {
            Rule::Length(min) => {
                !password.is_empty() && password.encode_utf16().count() >= min as usize
            }
            Rule::ShouldContain(_) => items.iter().all(|&ok| ok),
            Rule::ContainsAtLeast(n, _) => items.iter().filter(|&&ok| ok).count() >= n as usize,
            Rule::IdenticalChars(max) => !password.is_empty() && longest_run(password) <= max,
        };
        Checked {
            rule: self,
            verified,
            items,
        }
    }
}

/// The longest run of one repeated UTF-16 unit, the unit password-sheriff's loop compares.
fn longest_run(password: &str) -> u32 {
    let (mut longest, mut run, mut prev) = (0, 0, None);
    for unit in password.encode_utf16() {
        run = if prev == Some(unit) { run + 1 } else { 1 };
        prev = Some(unit);
        longest = longest.max(run);
    }
    longest
}

/// password-sheriff's `toString()`: `* ` per rule, items on their own lines one space deeper.
fn policy_text_of(rules: impl IntoIterator<Item = Rule>) -> String {
    let mut lines = Vec::new();
    for rule in rules {
        lines.push(format!("* {}", rule.formatted()));
        lines.extend(rule.items().iter().map(|s| format!(" * {}", s.message())));
    }
    lines.join("\n")
}

impl PasswordPolicy {
    /// Builds the policy from a connection's stored options. A missing or null level is `none`
    /// because that is what Auth0 enforces then (password-sheriff's fallback, Lock's
    /// `passwordPolicy || 'none'`, the docs' "None (default)"); a `min_length` of 0 is ignored as
    /// Lock ignores it, since Auth0 accepts only 1 and up.
    pub fn from_options(level: Option<PolicyLevel>, min_length: Option<u32>) -> Self {
        Self {
            level: level.unwrap_or(PolicyLevel::None),
            min_length,
        }
    }

    fn rules(&self) -> Vec<Rule> {
        let level_min = match self.level {
            PolicyLevel::None => 1,
            PolicyLevel::Low => 6,
            PolicyLevel::Fair | PolicyLevel::Good => 8,
            PolicyLevel::Excellent => 10,
        };
        let mut rules = vec![Rule::Length(
            self.min_length.filter(|&m| m > 0).unwrap_or(level_min),
        )];
        match self.level {
            PolicyLevel::None | PolicyLevel::Low => {}
            PolicyLevel::Fair => rules.push(Rule::ShouldContain(FAIR_SETS)),
            PolicyLevel::Good => rules.push(Rule::ContainsAtLeast(3, ALL_SETS)),
            PolicyLevel::Excellent => {
                rules.extend([Rule::ContainsAtLeast(3, ALL_SETS), Rule::IdenticalChars(2)]);
            }
        }
        rules
    }

    /// Checks a password; Err carries every rule with whether it was met, because Auth0's error
    /// body reports the met rules too.
    pub fn check(&self, password: &str) -> Result<(), PolicyFailure> {
        let rules: Vec<Checked> = self
            .rules()
            .into_iter()
            .map(|r| r.check(password))
            .collect();
        if rules.iter().all(|c| c.verified) {
            Ok(())
        } else {
            Err(PolicyFailure { rules })
        }
    }

    /// The `policy` text for this policy; it does not depend on the password, which is why a
    /// page can show it before anything is typed.
    pub fn policy_text(&self) -> String {
        policy_text_of(self.rules())
    }

    /// The Universal Login hint list with its `data-error-code`s. `none` without an override has
    /// no hint (the ACUL SDK's policy type has no `none`); `fair`'s three sets are listed as
    /// top-level lines, and the identical-characters label is password-sheriff's message: both
    /// are guesses, no real page for those levels was found.
    pub fn hint_rules(&self) -> Vec<PolicyHint> {
        let mut hints = Vec::new();
        for rule in self.rules() {
            match rule {
                Rule::Length(1) => {}
                Rule::Length(n) => hints.push(PolicyHint::new(
                    "length-at-least",
                    format!("At least {n} characters"),
                )),
                Rule::ShouldContain(sets) => hints.extend(sets.iter().map(|s| s.hint())),
                Rule::ContainsAtLeast(n, sets) => {
                    let label = format!("At least {n} of the following:");
                    let items = sets.iter().map(|s| s.hint()).collect();
                    hints.push(PolicyHint {
                        items,
                        ..PolicyHint::new("contains-at-least", label)
                    })
                }
                Rule::IdenticalChars(_) => {
                    hints.push(PolicyHint::new("identical-chars", rule.formatted()))
                }
            }
        }
        hints
    }

    /// The rules as Universal Login lists them under "Your password must contain:" (short human
    /// lines, each item right after its intro line), for the sign-up page hint.
    pub fn hints(&self) -> Vec<String> {
        fn flatten(hints: Vec<PolicyHint>, out: &mut Vec<String>) {
            for h in hints {
                out.push(h.label);
                flatten(h.items, out);
            }
        }
        let mut out = Vec::new();
        flatten(self.hint_rules(), &mut out);
        out
    }
}

impl PolicyFailure {
    /// `{"rules":[…],"verified":false}`, the `description` of Auth0's `invalid_password` body,
    /// with each rule's keys in password-sheriff's order (it differs per rule) so the serialized
    /// body matches a real one byte for byte.
    pub fn description(&self) -> Value {
        json!({ "rules": self.rules.iter().map(rule_json).collect::<Vec<_>>(), "verified": false })
    }

    /// The `policy` text: `* At least 8 characters in length\n* Contain at least 3 of …`.
    pub fn policy_text(&self) -> String {
        policy_text_of(self.rules.iter().map(|c| c.rule))
    }

    /// The formatted messages of the unmet rules, items appended to their intro (e.g. "Contain at
    /// least 3 of the following 4 types of characters: lower case letters (a-z), …"), so a page
    /// can say what is missing in one line per rule.
    pub fn unmet(&self) -> Vec<String> {
        let unmet = self.rules.iter().filter(|c| !c.verified);
        unmet
            .map(|c| {
                let items: Vec<&str> = c.rule.items().iter().map(|s| s.message()).collect();
                if items.is_empty() {
                    c.rule.formatted()
                } else {
                    format!("{} {}", c.rule.formatted(), items.join(", "))
                }
            })
            .collect()
    }
}

fn rule_json(c: &Checked) -> Value {
    let (code, message) = c.rule.texts();
    // password-sheriff builds each rule's object in its own order; JSON keeps it (preserve_order).
    let keys: &[&str] = match c.rule {
        Rule::Length(1) => &["message", "code", "verified"],
        Rule::Length(_) => &["message", "format", "code", "verified"],
        Rule::ShouldContain(_) => &["message", "code", "verified", "items"],
        Rule::ContainsAtLeast(..) => &["message", "code", "format", "items", "verified"],
        Rule::IdenticalChars(_) => &["message", "code", "format", "verified"],
    };
    let item = |(s, ok): (&Charset, &bool)| {
        let [code, message, ..] = s.texts();
        json!({ "message": message, "code": code, "verified": ok })
    };
    let value = |key: &str| match key {
        "message" => message.into(),
        "code" => code.into(),
        "format" => Value::Array(c.rule.format()),
        "items" => Value::Array(c.rule.items().iter().zip(&c.items).map(item).collect()),
        _ => c.verified.into(),
    };
    Value::Object(
        keys.iter()
            .map(|&k| (k.to_owned(), value(k)))
            .collect::<Map<_, _>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use PolicyLevel::{Excellent, Fair, Good, Low};

    fn at(level: PolicyLevel) -> PasswordPolicy {
        PasswordPolicy {
            level,
            min_length: Option::None,
        }
    }

    fn min(level: PolicyLevel, min_length: u32) -> PasswordPolicy {
        PasswordPolicy {
            level,
            min_length: Some(min_length),
        }
    }

    fn refused(p: PasswordPolicy, password: &str) -> PolicyFailure {
        p.check(password)
            .expect_err("the password should be refused")
    }

    const GOOD_TEXT: &str = "* At least 8 characters in length\n* Contain at least 3 of the following 4 types of characters:\n * lower case letters (a-z)\n * upper case letters (A-Z)\n * numbers (i.e. 0-9)\n * special characters (e.g. !@#$%^&*)";

    #[test]
    fn none_refuses_the_empty_password_as_non_empty_required() {
        let failure = refused(at(PolicyLevel::None), "");
        let want = r#"{"rules":[{"message":"Non-empty password required","code":"nonEmpty","verified":false}],"verified":false}"#;
        assert_eq!(failure.description().to_string(), want);
        assert_eq!(failure.policy_text(), "* Non-empty password required");
        assert!(at(PolicyLevel::None).check("a").is_ok());
    }

    #[test]
    fn low_needs_six_characters() {
        assert_eq!(
            refused(at(Low), "abcde").unmet(),
            ["At least 6 characters in length"]
        );
        assert!(at(Low).check("abcdef").is_ok());
    }

    #[test]
    fn fair_needs_eight_characters_and_all_of_lower_upper_and_numbers() {
        assert!(at(Fair).check("Abcdefg1").is_ok());
        assert!(at(Fair).check("Abcdef1").is_err());
        let failure = refused(at(Fair), "abcdefg1!");
        let want = r#"{"rules":[{"message":"At least %d characters in length","format":[8],"code":"lengthAtLeast","verified":true},{"message":"Should contain:","code":"shouldContain","verified":false,"items":[{"message":"lower case letters (a-z)","code":"lowerCase","verified":true},{"message":"upper case letters (A-Z)","code":"upperCase","verified":false},{"message":"numbers (i.e. 0-9)","code":"numbers","verified":true}]}],"verified":false}"#;
        assert_eq!(failure.description().to_string(), want);
    }

    #[test]
    fn good_refuses_two_character_types_and_lists_every_rule() {
        // The description and policy of the real body in go-auth0's authentication_error_test.go.
        let failure = refused(at(Good), "abcdefg!");
        let want = r#"{"rules":[{"message":"At least %d characters in length","format":[8],"code":"lengthAtLeast","verified":true},{"message":"Contain at least %d of the following %d types of characters:","code":"containsAtLeast","format":[3,4],"items":[{"message":"lower case letters (a-z)","code":"lowerCase","verified":true},{"message":"upper case letters (A-Z)","code":"upperCase","verified":false},{"message":"numbers (i.e. 0-9)","code":"numbers","verified":false},{"message":"special characters (e.g. !@#$%^&*)","code":"specialCharacters","verified":true}],"verified":false}],"verified":false}"#;
        assert_eq!(failure.description().to_string(), want);
        assert_eq!(failure.policy_text(), GOOD_TEXT);
        assert_eq!(at(Good).policy_text(), GOOD_TEXT);
    }

    #[test]
    fn good_accepts_eight_characters_of_three_types_counting_space_as_special() {
        assert!(at(Good).check("Abcdefg1").is_ok());
        assert!(at(Good).check("abc def1").is_ok());
        assert_eq!(
            refused(at(Good), "Abc1!").unmet(),
            ["At least 8 characters in length"]
        );
    }

    #[test]
    fn unmet_lists_the_items_after_their_intro() {
        let want = [
            "At least 8 characters in length",
            "Contain at least 3 of the following 4 types of characters: lower case letters (a-z), upper case letters (A-Z), numbers (i.e. 0-9), special characters (e.g. !@#$%^&*)",
        ];
        assert_eq!(refused(at(Good), "abc").unmet(), want);
    }

    #[test]
    fn excellent_refuses_three_identical_characters_in_a_row() {
        assert!(at(Excellent).check("somePas123").is_ok());
        assert!(
            at(Excellent).check("Aa11bbcc!!").is_ok(),
            "two in a row are allowed"
        );
        assert!(
            at(Excellent).check("somePas12").is_err(),
            "excellent needs 10 characters"
        );
        let failure = refused(at(Excellent), "hello111HELLO");
        let want = r#"{"message":"No more than %d identical characters in a row (e.g., \"%s\" not allowed)","code":"identicalChars","format":[2,"aaa"],"verified":false}"#;
        assert_eq!(failure.description()["rules"][2].to_string(), want);
        let unmet = "No more than 2 identical characters in a row (e.g., \"aaa\" not allowed)";
        assert_eq!(failure.unmet(), [unmet]);
    }

    #[test]
    fn excellent_policy_text_matches_password_sheriff() {
        let identical =
            "* No more than 2 identical characters in a row (e.g., \"aaa\" not allowed)";
        let want = format!("{}\n{identical}", GOOD_TEXT.replace('8', "10"));
        assert_eq!(at(Excellent).policy_text(), want);
    }

    #[test]
    fn min_length_replaces_the_level_minimum() {
        assert_eq!(
            refused(min(Good, 12), "Abcdefgh1!x").unmet(),
            ["At least 12 characters in length"]
        );
        assert!(min(Good, 12).check("Abcdefgh1!xy").is_ok());
        assert!(
            min(Low, 4).check("abcd").is_ok(),
            "a lower minimum wins too"
        );
        assert_eq!(min(Low, 1).policy_text(), "* Non-empty password required");
        assert_eq!(
            min(Low, 0).policy_text(),
            "* At least 6 characters in length"
        );
    }

    #[test]
    fn non_ascii_letters_are_no_character_type() {
        let description = refused(at(Good), "ÀÉÎÕÜàéî").description();
        assert_eq!(description["rules"][0]["verified"], true);
        assert!((0..4).all(|i| description["rules"][1]["items"][i]["verified"] == false));
    }

    #[test]
    fn length_counts_utf16_units_like_javascript() {
        assert!(at(Low).check("😀😀😀").is_ok());
        assert!(at(Low).check("ééééé").is_err());
    }

    #[test]
    fn good_hints_match_the_universal_login_page() {
        let want = [
            "At least 8 characters",
            "At least 3 of the following:",
            "Lower case letters (a-z)",
            "Upper case letters (A-Z)",
            "Numbers (0-9)",
            "Special characters (e.g. !@#$%^&*)",
        ];
        assert_eq!(at(Good).hints(), want);
        let rules = at(Good).hint_rules();
        assert_eq!(rules[1].code, "password-policy-contains-at-least");
        assert_eq!(rules[1].items[3].code, "password-policy-special-characters");
        assert!(at(PolicyLevel::None).hints().is_empty());
    }

    #[test]
    fn a_connection_without_a_level_is_checked_as_none() {
        let policy = PasswordPolicy::from_options(Option::None, Option::None);
        assert_eq!(policy.level, PolicyLevel::None);
        assert_eq!(PolicyLevel::default(), Good);
    }

    #[test]
    fn level_names_are_lowercase_and_unknown_ones_are_refused() {
        let level: PolicyLevel = serde_json::from_str("\"excellent\"").expect("a known level");
        assert_eq!(level, Excellent);
        assert!(serde_json::from_str::<PolicyLevel>("\"strong\"").is_err());
    }
}
