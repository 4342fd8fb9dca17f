//! Plan → parameterised SQL against the real Postgres, results in Hasura's
//! JSON shape (values are rendered by Postgres' `to_json`, as Hasura does).

use serde_json::{Map, Value as Json};
use tokio_postgres::GenericClient;
use tokio_postgres::types::ToSql;

use super::plan::{
    Filter, GqlError, InsertPlan, OutField, Plan, ResponseField, RootField, SelectPlan,
};
use super::schema::{Table, quote_ident};

/// Collects `$n` parameters (all passed as text and cast in SQL).
#[derive(Default)]
struct Params(Vec<Option<String>>);

impl Params {
    fn push(&mut self, value: Option<String>) -> String {
        self.0.push(value);
        format!("${}", self.0.len())
    }

    fn typed(&mut self, value: Option<String>, pg_type: &str) -> String {
        let placeholder = self.push(value);
        format!("({placeholder}::text)::{pg_type}")
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.0.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
    }
}

fn filter_sql(filter: &Filter, qualifier: &str, params: &mut Params) -> String {
    let col = |c: &str| format!("{qualifier}.{}", quote_ident(c));
    match filter {
        Filter::True => "TRUE".to_string(),
        Filter::And(items) if items.is_empty() => "TRUE".to_string(),
        Filter::Or(items) if items.is_empty() => "FALSE".to_string(),
        Filter::And(items) => {
            format!(
                "({})",
                items
                    .iter()
                    .map(|f| filter_sql(f, qualifier, params))
                    .collect::<Vec<_>>()
                    .join(" AND ")
            )
        }
        Filter::Or(items) => {
            format!(
                "({})",
                items
                    .iter()
                    .map(|f| filter_sql(f, qualifier, params))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            )
        }
        Filter::Not(inner) => format!("(NOT {})", filter_sql(inner, qualifier, params)),
        Filter::Cmp {
            column,
            pg_type,
            op,
            value,
        } => {
            if matches!(op.sql(), "LIKE" | "NOT LIKE" | "ILIKE" | "NOT ILIKE") {
                let p = params.typed(Some(value.clone()), "text");
                format!("({}::text {} {p})", col(column), op.sql())
            } else {
                let p = params.typed(Some(value.clone()), pg_type);
                format!("({} {} {p})", col(column), op.sql())
            }
        }
        Filter::In {
            column,
            pg_type,
            negated,
            values,
        } => {
            if values.is_empty() {
                return if *negated {
                    "TRUE".into()
                } else {
                    "FALSE".into()
                };
            }
            let items: Vec<String> = values
                .iter()
                .map(|v| params.typed(Some(v.clone()), pg_type))
                .collect();
            let not = if *negated { "NOT " } else { "" };
            format!("({not}{} IN ({}))", col(column), items.join(", "))
        }
        Filter::IsNull { column, is_null } => {
            format!(
                "({} IS {}NULL)",
                col(column),
                if *is_null { "" } else { "NOT " }
            )
        }
    }
}

/// Hasura-style mapping of a Postgres error.
fn pg_error(error: tokio_postgres::Error, path: &str) -> GqlError {
    let Some(db) = error.as_db_error() else {
        return GqlError {
            message: format!("database query error: {error}"),
            path: path.into(),
            code: "unexpected",
        };
    };
    let code = db.code().code();
    let message = db.message().to_string();
    let (prefix, hasura_code) = match code {
        "23505" => ("Uniqueness violation. ", "constraint-violation"),
        "23503" => ("Foreign key violation. ", "constraint-violation"),
        "23502" => ("Not-NULL violation. ", "constraint-violation"),
        "23514" => ("Check constraint violation. ", "constraint-violation"),
        c if c.starts_with("23") => ("", "constraint-violation"),
        c if c.starts_with("22") => ("", "data-exception"),
        _ => ("database query error: ", "unexpected"),
    };
    GqlError {
        message: format!("{prefix}{message}"),
        path: path.into(),
        code: hasura_code,
    }
}

fn parse_json_text(text: Option<String>) -> Json {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Json::Null)
}

/// Distinct columns to fetch for output fields, and the SELECT list.
fn select_list(fields: &[OutField], qualifier: &str) -> (Vec<String>, String) {
    let mut columns: Vec<String> = Vec::new();
    for field in fields {
        if let OutField::Column { column, .. } = field
            && !columns.contains(column)
        {
            columns.push(column.clone());
        }
    }
    let list = if columns.is_empty() {
        "1".to_string()
    } else {
        columns
            .iter()
            .map(|c| format!("to_json({qualifier}.{})::text", quote_ident(c)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    (columns, list)
}

fn row_object(fields: &[OutField], columns: &[String], row: &tokio_postgres::Row) -> Json {
    let mut object = Map::new();
    for field in fields {
        match field {
            OutField::Typename { key, value } => {
                object.insert(key.clone(), Json::String(value.clone()));
            }
            OutField::Column { key, column } => {
                let index = columns.iter().position(|c| c == column).unwrap_or(0);
                object.insert(
                    key.clone(),
                    parse_json_text(row.get::<_, Option<String>>(index)),
                );
            }
        }
    }
    Json::Object(object)
}

async fn run_select<C: GenericClient>(
    client: &C,
    table: &Table,
    plan: &SelectPlan,
) -> Result<Json, GqlError> {
    let mut params = Params::default();
    let (columns, list) = select_list(&plan.fields, "t");
    let mut sql = format!(
        "SELECT {list} FROM {} AS t WHERE {}",
        table.sql_name(),
        filter_sql(&plan.filter, "t", &mut params)
    );
    if !plan.order_by.is_empty() {
        let order: Vec<String> = plan
            .order_by
            .iter()
            .map(|(c, d)| format!("t.{} {d}", quote_ident(c)))
            .collect();
        sql.push_str(&format!(" ORDER BY {}", order.join(", ")));
    }
    if let Some(limit) = plan.limit {
        sql.push_str(&format!(" LIMIT {}", limit.max(0)));
    }
    if let Some(offset) = plan.offset {
        sql.push_str(&format!(" OFFSET {}", offset.max(0)));
    }
    let rows = client
        .query(sql.as_str(), &params.refs())
        .await
        .map_err(|e| pg_error(e, &plan.path))?;
    let objects: Vec<Json> = rows
        .iter()
        .map(|row| row_object(&plan.fields, &columns, row))
        .collect();
    Ok(if plan.single {
        objects.into_iter().next().unwrap_or(Json::Null)
    } else {
        Json::Array(objects)
    })
}

async fn run_insert<C: GenericClient>(
    client: &C,
    table: &Table,
    plan: &InsertPlan,
) -> Result<Json, GqlError> {
    let mut params = Params::default();
    let column_list: Vec<String> = plan.columns.iter().map(|c| quote_ident(c)).collect();
    let mut values = Vec::new();
    for row in &plan.rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&plan.columns)
            .map(|(cell, column)| match cell {
                None => "DEFAULT".to_string(),
                Some(value) => {
                    let pg_type = table
                        .column(column)
                        .map(|c| c.pg_type.as_str())
                        .unwrap_or("text");
                    params.typed(value.clone(), pg_type)
                }
            })
            .collect();
        values.push(format!("({})", cells.join(", ")));
    }
    let body = if plan.columns.is_empty() {
        if plan.rows.len() > 1 {
            return Err(GqlError::unsupported(
                plan.path.clone(),
                "inserting several empty objects",
            ));
        }
        "DEFAULT VALUES".to_string()
    } else {
        format!("({}) VALUES {}", column_list.join(", "), values.join(", "))
    };
    let conflict = match &plan.on_conflict {
        None => String::new(),
        Some(oc) if oc.update_columns.is_empty() => {
            format!(
                " ON CONFLICT ON CONSTRAINT {} DO NOTHING",
                quote_ident(&oc.constraint)
            )
        }
        Some(oc) => {
            let sets: Vec<String> = oc
                .update_columns
                .iter()
                .map(|c| format!("{} = EXCLUDED.{}", quote_ident(c), quote_ident(c)))
                .collect();
            format!(
                " ON CONFLICT ON CONSTRAINT {} DO UPDATE SET {} WHERE {}",
                quote_ident(&oc.constraint),
                sets.join(", "),
                filter_sql(&oc.filter, "t", &mut params)
            )
        }
    };
    let output_fields: Vec<OutField> = match &plan.one {
        Some(fields) => fields.clone(),
        None => plan
            .many
            .iter()
            .filter_map(|f| match f {
                ResponseField::Returning { fields, .. } => Some(fields.clone()),
                _ => None,
            })
            .flatten()
            .collect(),
    };
    let (columns, list) = select_list(&output_fields, "ins");
    let insert_check = filter_sql(&plan.insert_check, "ins", &mut params);
    let update_check = filter_sql(&plan.update_check, "ins", &mut params);
    let sql = format!(
        "WITH ins AS (INSERT INTO {} AS t {body}{conflict} RETURNING t.*, (t.xmax = 0) AS \"__standin_inserted\") \
         SELECT {list}, CASE WHEN ins.\"__standin_inserted\" THEN {insert_check} ELSE {update_check} END FROM ins",
        table.sql_name()
    );
    let rows = client
        .query(sql.as_str(), &params.refs())
        .await
        .map_err(|e| pg_error(e, &plan.error_path))?;
    let check_index = if columns.is_empty() { 1 } else { columns.len() };
    for row in &rows {
        if !row.get::<_, Option<bool>>(check_index).unwrap_or(false) {
            return Err(GqlError {
                message: "check constraint of an insert/update permission has failed".into(),
                path: plan.error_path.clone(),
                code: "permission-error",
            });
        }
    }
    if let Some(fields) = &plan.one {
        return Ok(rows
            .first()
            .map(|row| row_object(fields, &columns, row))
            .unwrap_or(Json::Null));
    }
    let mut object = Map::new();
    for field in &plan.many {
        match field {
            ResponseField::Typename { key, value } => {
                object.insert(key.clone(), Json::String(value.clone()));
            }
            ResponseField::AffectedRows { key } => {
                object.insert(key.clone(), Json::from(rows.len()));
            }
            ResponseField::Returning { key, fields } => {
                let items = rows
                    .iter()
                    .map(|row| row_object(fields, &columns, row))
                    .collect();
                object.insert(key.clone(), Json::Array(items));
            }
        }
    }
    Ok(Json::Object(object))
}

/// Runs a plan; mutations run in one transaction, like Hasura's.
pub async fn execute(
    client: &mut tokio_postgres::Client,
    tables: &[Table],
    plan: &Plan,
) -> Result<Json, GqlError> {
    let mut data = Map::new();
    if plan.mutation {
        let tx = client.transaction().await.map_err(|e| pg_error(e, "$"))?;
        for field in &plan.fields {
            let (key, value) = run_field(&tx, tables, field).await?;
            data.insert(key, value);
        }
        tx.commit().await.map_err(|e| pg_error(e, "$"))?;
    } else {
        for field in &plan.fields {
            let (key, value) = run_field(&*client, tables, field).await?;
            data.insert(key, value);
        }
    }
    Ok(Json::Object(data))
}

async fn run_field<C: GenericClient>(
    client: &C,
    tables: &[Table],
    field: &RootField,
) -> Result<(String, Json), GqlError> {
    match field {
        RootField::Typename { key, value } => Ok((key.clone(), Json::String(value.clone()))),
        RootField::Select(plan) => Ok((
            plan.key.clone(),
            run_select(client, &tables[plan.table], plan).await?,
        )),
        RootField::Insert(plan) => Ok((
            plan.key.clone(),
            run_insert(client, &tables[plan.table], plan).await?,
        )),
    }
}
