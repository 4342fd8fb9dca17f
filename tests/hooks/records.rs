//! `/__mock/hooks`: the hook records can be cleared between the steps of a test suite.

use crate::support::*;

#[tokio::test]
async fn deleting_the_hook_records_clears_them() {
    let server = start().await;
    let base = server.base_url();
    alice_login(&base).await;
    assert!(!records(&base).await.is_empty(), "the login left a record");
    let res = client()
        .delete(format!("{base}/__mock/hooks"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert!(records(&base).await.is_empty());
    server.shutdown().await;
}
