//! The stand-in's schema: tables and permissions from Hasura metadata (v3
//! layout), column types and unique constraints from Postgres itself.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value as Json;

/// One column of a tracked table.
#[derive(Debug, Clone)]
pub struct Column {
    /// The column name, which is also the GraphQL field name.
    pub name: String,
    /// Postgres `udt_name` (text, int4, timestamptz, ...).
    pub pg_type: String,
}

impl Column {
    /// The GraphQL scalar Hasura generates for this column type.
    pub fn gql_type(&self) -> &'static str {
        match self.pg_type.as_str() {
            "text" | "varchar" | "bpchar" | "name" => "String",
            "int2" | "int4" => "Int",
            "int8" => "bigint",
            "float4" | "float8" => "Float",
            "numeric" => "numeric",
            "bool" => "Boolean",
            "uuid" => "uuid",
            "timestamptz" => "timestamptz",
            "timestamp" => "timestamp",
            "date" => "date",
            "json" => "json",
            "jsonb" => "jsonb",
            "citext" => "citext",
            _ => "String",
        }
    }
}

/// A unique or primary-key constraint (the `<table>_constraint` enum).
#[derive(Debug, Clone)]
pub struct Constraint {
    /// Constraint name, e.g. `users_pkey`.
    pub name: String,
    /// Whether it is the primary key.
    pub primary: bool,
    /// Its columns, in key order.
    pub columns: Vec<String>,
}

/// A permission rule from metadata for one role.
#[derive(Debug, Clone, Default)]
pub struct Rule {
    /// Columns the role may use.
    pub columns: Vec<String>,
    /// The row filter (`filter`) or check (`check`) bool expression, raw.
    pub filter: Json,
    /// For updates: the post-update `check`.
    pub check: Json,
    /// For selects: the row `limit`.
    pub limit: Option<i64>,
}

/// A tracked table with its permissions.
#[derive(Debug, Clone)]
pub struct Table {
    /// Postgres schema.
    pub schema: String,
    /// Postgres table name.
    pub name: String,
    /// Columns in ordinal order.
    pub columns: Vec<Column>,
    /// Unique and primary-key constraints.
    pub constraints: Vec<Constraint>,
    /// `select_permissions` by role.
    pub select: BTreeMap<String, Rule>,
    /// `insert_permissions` by role.
    pub insert: BTreeMap<String, Rule>,
    /// `update_permissions` by role.
    pub update: BTreeMap<String, Rule>,
    /// Roles with `delete_permissions`.
    pub delete: Vec<String>,
}

impl Table {
    /// The GraphQL name: `users` in `public`, `<schema>_<name>` elsewhere.
    pub fn gql_name(&self) -> String {
        if self.schema == "public" {
            self.name.clone()
        } else {
            format!("{}_{}", self.schema, self.name)
        }
    }

    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The primary key, if any.
    pub fn primary_key(&self) -> Option<&Constraint> {
        self.constraints.iter().find(|c| c.primary)
    }

    /// `"schema"."name"`.
    pub fn sql_name(&self) -> String {
        format!("{}.{}", quote_ident(&self.schema), quote_ident(&self.name))
    }
}

/// Double-quotes an SQL identifier (camelCase columns need it).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn read_yaml(path: &Path) -> Result<Json, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    serde_yaml_ng::from_str::<Json>(&text).map_err(|e| format!("parsing {}: {e}", path.display()))
}

fn include_target(entry: &Json) -> Option<&str> {
    entry
        .as_str()
        .and_then(|s| s.strip_prefix("!include "))
        .map(str::trim)
}

fn string_list(value: &Json) -> Vec<String> {
    match value {
        Json::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Json::String(s) if s == "*" => vec!["*".to_string()],
        _ => Vec::new(),
    }
}

fn rules(table_doc: &Json, key: &str, filter_key: &str) -> Result<BTreeMap<String, Rule>, String> {
    let mut out = BTreeMap::new();
    let Some(entries) = table_doc.get(key).and_then(Json::as_array) else {
        return Ok(out);
    };
    for entry in entries {
        let role = entry
            .get("role")
            .and_then(Json::as_str)
            .ok_or_else(|| format!("{key}: entry without role"))?;
        let permission = entry.get("permission").cloned().unwrap_or(Json::Null);
        if permission
            .get("set")
            .is_some_and(|s| s.as_object().is_some_and(|o| !o.is_empty()))
        {
            return Err(format!(
                "{key} for role {role}: column presets (`set`) are not supported by the Hasura stand-in"
            ));
        }
        let expression = |key: &str| match permission.get(key) {
            None | Some(Json::Null) => Json::Object(Default::default()),
            Some(value) => value.clone(),
        };
        let rule = Rule {
            columns: permission
                .get("columns")
                .map(string_list)
                .unwrap_or_default(),
            filter: expression(filter_key),
            check: expression("check"),
            limit: permission.get("limit").and_then(Json::as_i64),
        };
        out.insert(role.to_string(), rule);
    }
    Ok(out)
}

/// Loads `databases/default/tables/*` from a Hasura v3 metadata directory
/// and completes it from the live database.
pub async fn load(
    metadata_dir: &Path,
    client: &tokio_postgres::Client,
) -> Result<Vec<Table>, String> {
    let version = read_yaml(&metadata_dir.join("version.yaml"))?;
    if version.get("version").and_then(Json::as_i64) != Some(3) {
        return Err(format!(
            "{}: only metadata version 3 is supported",
            metadata_dir.display()
        ));
    }
    let tables_dir = metadata_dir.join("databases/default/tables");
    let index = read_yaml(&tables_dir.join("tables.yaml"))?;
    let entries = index.as_array().cloned().unwrap_or_default();
    let mut tables = Vec::new();
    for entry in entries {
        let doc = match include_target(&entry) {
            Some(file) => read_yaml(&tables_dir.join(file))?,
            None => entry.clone(),
        };
        let schema = doc
            .pointer("/table/schema")
            .and_then(Json::as_str)
            .unwrap_or("public")
            .to_string();
        let name = doc
            .pointer("/table/name")
            .and_then(Json::as_str)
            .ok_or_else(|| format!("table entry without table.name: {doc}"))?
            .to_string();
        let rows = client
            .query(
                "SELECT column_name::text, udt_name::text FROM information_schema.columns \
                 WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                &[&schema, &name],
            )
            .await
            .map_err(|e| format!("introspecting {schema}.{name}: {e}"))?;
        if rows.is_empty() {
            return Err(format!(
                "metadata tracks {schema}.{name} but the table does not exist (apply the migrations first)"
            ));
        }
        let columns = rows
            .iter()
            .map(|r| Column {
                name: r.get(0),
                pg_type: r.get(1),
            })
            .collect();
        let rows = client
            .query(
                "SELECT c.conname::text, c.contype = 'p', \
                        array_agg(a.attname::text ORDER BY k.ord) \
                 FROM pg_constraint c \
                 JOIN pg_class r ON r.oid = c.conrelid \
                 JOIN pg_namespace n ON n.oid = r.relnamespace \
                 CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) \
                 JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = k.attnum \
                 WHERE n.nspname = $1 AND r.relname = $2 AND c.contype IN ('p', 'u') \
                 GROUP BY c.conname, c.contype ORDER BY c.conname",
                &[&schema, &name],
            )
            .await
            .map_err(|e| format!("introspecting constraints of {schema}.{name}: {e}"))?;
        let constraints = rows
            .iter()
            .map(|r| Constraint {
                name: r.get(0),
                primary: r.get(1),
                columns: r.get(2),
            })
            .collect();
        let mut table = Table {
            schema,
            name,
            columns,
            constraints,
            select: rules(&doc, "select_permissions", "filter")?,
            insert: rules(&doc, "insert_permissions", "check")?,
            update: rules(&doc, "update_permissions", "filter")?,
            delete: doc
                .get("delete_permissions")
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|e| e.get("role").and_then(Json::as_str).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        };
        // Expand `columns: "*"`.
        let all: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        for rule in table
            .select
            .values_mut()
            .chain(table.insert.values_mut())
            .chain(table.update.values_mut())
        {
            if rule.columns.iter().any(|c| c == "*") {
                rule.columns = all.clone();
            }
        }
        tables.push(table);
    }
    Ok(tables)
}
