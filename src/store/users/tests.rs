use super::*;
use serde_json::json;

fn user(v: Value) -> User {
    serde_json::from_value(v).unwrap()
}

fn users() -> Users {
    let mut u = Users::default();
    u.create(
        user(json!({"user_id": "a", "email": "a@x.test"})),
        |_| true,
        0,
    )
    .unwrap();
    u
}

#[test]
fn create_refuses_an_email_already_taken_whatever_its_case() {
    let mut u = users();
    let e = u.create(user(json!({"email": "A@X.test"})), |_| true, 0);
    assert_eq!(e, Err(UserError::Exists));
}

#[test]
fn update_refuses_another_users_email_like_create() {
    let mut u = users();
    u.create(
        user(json!({"user_id": "b", "email": "b@x.test"})),
        |_| true,
        0,
    )
    .unwrap();
    let patch = json!({"email": "a@x.test"});
    let e = u.update("auth0|b", patch.as_object().unwrap(), |_| true, "t");
    assert_eq!(e, Err(UserError::Exists));
}

#[test]
fn update_merges_metadata_and_null_deletes() {
    let mut u = users();
    u.apply_metadata(
        "auth0|a",
        json!({"keep": 1, "drop": 2}).as_object().unwrap(),
        &Map::new(),
        "t",
    );
    let patch = json!({"app_metadata": {"drop": null, "new": 3}});
    let updated = u
        .update("auth0|a", patch.as_object().unwrap(), |_| true, "t2")
        .unwrap();
    assert_eq!(
        Value::Object(updated.app_metadata),
        json!({"keep": 1, "new": 3})
    );
    assert_eq!(updated.updated_at.as_deref(), Some("t2"));
}

#[test]
fn update_keeps_the_password_and_refuses_a_new_id() {
    let mut u = Users::default();
    u.create(
        user(json!({"user_id": "p", "email": "p@x.test", "password": "pw"})),
        |_| true,
        0,
    )
    .unwrap();
    let patch = json!({"name": "P"});
    let updated = u
        .update("auth0|p", patch.as_object().unwrap(), |_| true, "t")
        .unwrap();
    assert!(updated.has_password("pw"));
    let patch = json!({"user_id": "other"});
    assert!(matches!(
        u.update("auth0|p", patch.as_object().unwrap(), |_| true, "t"),
        Err(UserError::Invalid(_))
    ));
}

#[test]
fn unknown_roles_are_refused_on_every_way_in() {
    let mut u = users();
    let known = |r: &str| r == "user";
    let e = u.create(
        user(json!({"email": "c@x.test", "roles": ["ghost"]})),
        known,
        0,
    );
    assert_eq!(e, Err(UserError::UnknownRole("ghost".into())));
    let e = u.upsert(
        user(json!({"user_id": "a", "email": "a@x.test", "roles": ["ghost"]})),
        known,
        0,
    );
    assert_eq!(e, Err(UserError::UnknownRole("ghost".into())));
}

#[test]
fn a_blocked_user_cannot_begin_a_login_and_a_refresh_does_not_count() {
    let mut u = users();
    assert_eq!(u.begin_login("auth0|a", true, 0).unwrap().1, 1);
    assert_eq!(u.begin_login("auth0|a", false, 0).unwrap().1, 1);
    u.update(
        "auth0|a",
        json!({"blocked": true}).as_object().unwrap(),
        |_| true,
        "t",
    )
    .unwrap();
    assert_eq!(
        u.begin_login("auth0|a", true, 0).unwrap_err(),
        LoginRefusal::Blocked
    );
    assert_eq!(
        u.begin_login("nobody", true, 0).unwrap_err(),
        LoginRefusal::Unknown
    );
}

#[test]
fn past_the_cap_a_new_user_is_refused_and_a_replacement_is_not() {
    let mut u = Users::default();
    for i in 0..USERS_CAP {
        u.list.push(user(
            json!({"user_id": format!("auth0|{i}"), "email": format!("{i}@x.test")}),
        ));
    }
    assert_eq!(
        u.create(user(json!({"email": "new@x.test"})), |_| true, 0),
        Err(UserError::Full)
    );
    let replacement = user(json!({"user_id": "auth0|7", "email": "7@x.test", "name": "Seven"}));
    assert!(u.upsert(replacement, |_| true, 0).is_ok());
}
