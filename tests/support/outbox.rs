//! The outbox as a test reads it: `GET /__mock/outbox` with the control API's filters.

use super::{client, enc};

/// `GET /__mock/outbox` with a query (`to=…&kind=…&wait=…`).
pub async fn outbox(base: &str, query: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = client()
        .get(format!("{base}/__mock/outbox?{query}"))
        .send()
        .await
        .expect("the mock answers")
        .json()
        .await
        .expect("JSON messages");
    v.as_array().cloned().unwrap_or_default()
}

/// The one message of `kind` sent to `to`; panics unless exactly one was.
pub async fn only_message(base: &str, to: &str, kind: &str) -> serde_json::Value {
    let found = outbox(base, &format!("to={}&kind={kind}", enc(to))).await;
    assert_eq!(found.len(), 1, "messages of {kind} to {to}: {found:?}");
    found[0].clone()
}
