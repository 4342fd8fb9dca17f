//! The hook records of `GET /__mock/hooks`.

use super::client;
use serde_json::Value;

/// Every hook record, oldest first.
pub async fn records(base: &str) -> Vec<Value> {
    let v: Value = client()
        .get(format!("{base}/__mock/hooks"))
        .send()
        .await
        .expect("the mock answers")
        .json()
        .await
        .expect("JSON records");
    v["records"].as_array().cloned().unwrap_or_default()
}

/// The records of one hook kind (`hasura-sync`, `webhook`, `action`, …).
pub async fn records_of(base: &str, kind: &str) -> Vec<Value> {
    records(base)
        .await
        .into_iter()
        .filter(|r| r["kind"] == kind)
        .collect()
}

/// The newest record; panics when there is none.
pub async fn last_record(base: &str) -> Value {
    records(base).await.pop().expect("a hook record")
}

/// A record's log lines.
pub fn logs(record: &Value) -> Vec<String> {
    record["logs"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A record's log lines as one text, for `contains` checks.
pub fn logs_text(record: &Value) -> String {
    logs(record).join("\n")
}
