use super::rules::MAX_DEPTH;
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
