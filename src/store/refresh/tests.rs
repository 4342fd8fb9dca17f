use super::*;

fn grant(user: &str) -> Arc<RefreshGrant> {
    Arc::new(RefreshGrant {
        user_id: user.into(),
        client_id: "web".into(),
        audience: None,
        scope: vec!["offline_access".into()],
        sid: None,
        organization: None,
    })
}

fn store() -> RefreshTokens {
    RefreshTokens::new(1000)
}

#[test]
fn a_rotated_token_used_again_revokes_its_family() {
    let mut r = store();
    let g = grant("alice");
    r.issue("t1", &g, None, 100, 0).unwrap();
    let first = r
        .exchange("t1", "web", RotationType::Rotating, 0, 1)
        .unwrap();
    r.issue("t2", &g, Some(first.family), 100, 1).unwrap();
    assert_eq!(
        r.exchange("t1", "web", RotationType::Rotating, 0, 2)
            .unwrap_err(),
        RefreshRefusal::Reused
    );
    assert_eq!(
        r.exchange("t2", "web", RotationType::Rotating, 0, 2)
            .unwrap_err(),
        RefreshRefusal::Invalid,
        "the successor died with its family"
    );
    assert_eq!(r.len(), 0);
}

#[test]
fn reuse_within_the_leeway_is_allowed() {
    let mut r = store();
    r.issue("t1", &grant("alice"), None, 100, 0).unwrap();
    r.exchange("t1", "web", RotationType::Rotating, 30, 1)
        .unwrap();
    assert!(
        r.exchange("t1", "web", RotationType::Rotating, 30, 20)
            .is_ok()
    );
    assert!(
        r.exchange("t1", "web", RotationType::Rotating, 30, 40)
            .is_err()
    );
}

#[test]
fn a_non_rotating_token_keeps_working() {
    let mut r = store();
    r.issue("t1", &grant("alice"), None, 100, 0).unwrap();
    for now in 1..5 {
        assert!(
            r.exchange("t1", "web", RotationType::NonRotating, 0, now)
                .is_ok()
        );
    }
}

#[test]
fn another_client_can_neither_exchange_nor_revoke() {
    let mut r = store();
    r.issue("t1", &grant("alice"), None, 100, 0).unwrap();
    assert!(
        r.exchange("t1", "spa", RotationType::Rotating, 0, 1)
            .is_err()
    );
    assert_eq!(r.revoke("t1", "spa"), Err(RevokeRefusal::OtherClient));
    assert_eq!(r.revoke("t1", "web"), Ok(()));
    assert!(
        r.exchange("t1", "web", RotationType::Rotating, 0, 1)
            .is_err()
    );
}

#[test]
fn an_expired_token_is_refused_and_forgotten() {
    let mut r = store();
    r.issue("t1", &grant("alice"), None, 10, 0).unwrap();
    assert!(
        r.exchange("t1", "web", RotationType::Rotating, 0, 10)
            .is_err()
    );
    r.issue("t2", &grant("bob"), None, 100, 11).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r.families.len(), 1);
}

#[test]
fn past_the_per_user_limit_the_oldest_family_is_revoked() {
    let mut r = store();
    let g = grant("alice");
    for i in 0..=PER_USER_AND_CLIENT {
        r.issue(&format!("t{i}"), &g, None, 100, 0).unwrap();
    }
    assert_eq!(r.len(), PER_USER_AND_CLIENT);
    assert!(
        r.exchange("t0", "web", RotationType::Rotating, 0, 1)
            .is_err()
    );
    assert!(
        r.exchange("t1", "web", RotationType::Rotating, 0, 1)
            .is_ok()
    );
    r.issue("other", &grant("bob"), None, 100, 0).unwrap();
    assert_eq!(r.len(), PER_USER_AND_CLIENT + 1, "bob has his own 200");
}

#[test]
fn deleting_a_user_revokes_all_their_tokens() {
    let mut r = store();
    r.issue("a", &grant("alice"), None, 100, 0).unwrap();
    r.issue("b", &grant("bob"), None, 100, 0).unwrap();
    r.revoke_user("alice");
    assert!(
        r.exchange("a", "web", RotationType::Rotating, 0, 1)
            .is_err()
    );
    assert!(r.exchange("b", "web", RotationType::Rotating, 0, 1).is_ok());
}

#[test]
fn identical_grants_are_stored_once_and_forgotten_with_their_last_family() {
    let mut r = store();
    for i in 0..10 {
        r.issue(&format!("t{i}"), &grant("alice"), None, 100, 0)
            .unwrap();
    }
    assert_eq!(r.grants.len(), 1);
    r.issue("b", &grant("bob"), None, 100, 0).unwrap();
    assert_eq!(r.grants.len(), 2);
    r.revoke_user("alice");
    assert_eq!(r.grants.len(), 1, "alice's grant went with her last family");
}

#[test]
fn a_rotation_into_a_revoked_family_issues_nothing() {
    let mut r = store();
    let g = grant("alice");
    r.issue("t1", &g, None, 100, 0).unwrap();
    let spent = r
        .exchange("t1", "web", RotationType::Rotating, 0, 1)
        .unwrap();
    // While the hooks ran, the token was revoked.
    r.revoke("t1", "web").unwrap();
    assert_eq!(
        r.issue("t2", &g, Some(spent.family), 100, 1),
        Err(FamilyGone)
    );
    assert!(
        r.exchange("t2", "web", RotationType::Rotating, 0, 2)
            .is_err()
    );
    assert_eq!(r.len(), 0);
    assert!(r.grants.is_empty(), "nothing left behind");
}

#[test]
fn a_grant_held_during_reuse_detection_is_still_forgotten() {
    let mut r = store();
    let g = grant("alice");
    r.issue("t1", &g, None, 100, 0).unwrap();
    let held = r
        .exchange("t1", "web", RotationType::Rotating, 0, 1)
        .unwrap();
    assert!(
        r.exchange("t1", "web", RotationType::Rotating, 0, 2)
            .is_err()
    );
    assert!(
        r.grants.is_empty(),
        "even with {:?} still held",
        held.grant.user_id
    );
}
