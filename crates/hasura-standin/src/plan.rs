//! GraphQL → plan: parses a request with `graphql-parser`, validates it
//! against the role's generated schema (Hasura naming) and produces an
//! owned plan the executor turns into SQL.

use std::collections::{BTreeMap, HashMap, HashSet};

use graphql_parser::query as q;
use hasura_jwt::Session;
use serde_json::{Map, Value as Json};

use super::schema::{Column, Table};

/// An error in Hasura's GraphQL error shape.
#[derive(Debug, Clone, PartialEq)]
pub struct GqlError {
    /// `message`.
    pub message: String,
    /// `extensions.path`.
    pub path: String,
    /// `extensions.code`.
    pub code: &'static str,
}

impl GqlError {
    /// A `validation-failed` error.
    pub fn validation(path: impl Into<String>, message: impl Into<String>) -> Self {
        GqlError {
            message: message.into(),
            path: path.into(),
            code: "validation-failed",
        }
    }

    /// Something Hasura supports but the stand-in deliberately does not.
    pub fn unsupported(path: impl Into<String>, what: impl std::fmt::Display) -> Self {
        GqlError {
            message: format!("{what} is not supported by the Hasura stand-in"),
            path: path.into(),
            code: "not-supported",
        }
    }

    /// `{"errors":[{"message","extensions":{"path","code"}}]}`.
    pub fn to_response(&self) -> Json {
        serde_json::json!({"errors": [{"message": self.message, "extensions": {"path": self.path, "code": self.code}}]})
    }
}

/// A resolved GraphQL input value (variables substituted).
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Enum(String),
    List(Vec<V>),
    Object(Vec<(String, V)>),
}

impl V {
    fn describe(&self) -> &'static str {
        match self {
            V::Null => "null",
            V::Bool(_) => "a boolean",
            V::Int(_) | V::Float(_) => "a number",
            V::Str(_) => "a string",
            V::Enum(_) => "an enum value",
            V::List(_) => "a list",
            V::Object(_) => "an object",
        }
    }

    /// Spec "list input coercion": a non-list value becomes a one-element list.
    fn into_list(self) -> Vec<V> {
        match self {
            V::List(items) => items,
            other => vec![other],
        }
    }

    fn from_json(value: &Json) -> V {
        match value {
            Json::Null => V::Null,
            Json::Bool(b) => V::Bool(*b),
            Json::Number(n) => match n.as_i64() {
                Some(i) => V::Int(i),
                None => V::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Json::String(s) => V::Str(s.clone()),
            Json::Array(items) => V::List(items.iter().map(V::from_json).collect()),
            Json::Object(map) => V::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), V::from_json(v)))
                    .collect(),
            ),
        }
    }

    fn to_json(&self) -> Json {
        match self {
            V::Null => Json::Null,
            V::Bool(b) => Json::Bool(*b),
            V::Int(i) => Json::from(*i),
            V::Float(f) => serde_json::Number::from_f64(*f)
                .map(Json::Number)
                .unwrap_or(Json::Null),
            V::Str(s) | V::Enum(s) => Json::String(s.clone()),
            V::List(items) => Json::Array(items.iter().map(V::to_json).collect()),
            V::Object(fields) => Json::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// A comparison operator of `<type>_comparison_exp`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CmpOp {
    Eq,
    Neq,
    Gt,
    Lt,
    Gte,
    Lte,
    Like,
    Nlike,
    Ilike,
    Nilike,
}

impl CmpOp {
    /// The SQL operator.
    pub fn sql(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Neq => "<>",
            CmpOp::Gt => ">",
            CmpOp::Lt => "<",
            CmpOp::Gte => ">=",
            CmpOp::Lte => "<=",
            CmpOp::Like => "LIKE",
            CmpOp::Nlike => "NOT LIKE",
            CmpOp::Ilike => "ILIKE",
            CmpOp::Nilike => "NOT ILIKE",
        }
    }

    fn is_text(self) -> bool {
        matches!(
            self,
            CmpOp::Like | CmpOp::Nlike | CmpOp::Ilike | CmpOp::Nilike
        )
    }
}

/// A compiled bool expression (Hasura's `<table>_bool_exp`).
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    True,
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Cmp {
        column: String,
        pg_type: String,
        op: CmpOp,
        value: String,
    },
    In {
        column: String,
        pg_type: String,
        negated: bool,
        values: Vec<String>,
    },
    IsNull {
        column: String,
        is_null: bool,
    },
}

/// One output field of a table row.
#[derive(Debug, Clone, PartialEq)]
pub enum OutField {
    Typename { key: String, value: String },
    Column { key: String, column: String },
}

/// A select root field (`users`, `users_by_pk`).
#[derive(Debug, Clone)]
pub struct SelectPlan {
    pub key: String,
    pub path: String,
    pub table: usize,
    pub filter: Filter,
    pub order_by: Vec<(String, &'static str)>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    pub single: bool,
    pub fields: Vec<OutField>,
}

/// `on_conflict` of an insert.
#[derive(Debug, Clone)]
pub struct OnConflict {
    pub constraint: String,
    pub update_columns: Vec<String>,
    pub filter: Filter,
}

/// Output of `insert_<table>` (mutation response).
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseField {
    Typename { key: String, value: String },
    AffectedRows { key: String },
    Returning { key: String, fields: Vec<OutField> },
}

/// An insert root field (`insert_users_one`, `insert_users`).
#[derive(Debug, Clone)]
pub struct InsertPlan {
    pub key: String,
    pub path: String,
    pub error_path: String,
    pub table: usize,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<Option<String>>>>,
    pub on_conflict: Option<OnConflict>,
    pub insert_check: Filter,
    pub update_check: Filter,
    pub one: Option<Vec<OutField>>,
    pub many: Vec<ResponseField>,
}

/// A root field of the operation.
#[derive(Debug, Clone)]
pub enum RootField {
    Typename { key: String, value: String },
    Select(SelectPlan),
    Insert(Box<InsertPlan>),
}

/// The whole operation.
#[derive(Debug, Clone)]
pub struct Plan {
    pub mutation: bool,
    pub fields: Vec<RootField>,
}

/// What the role may do with a table.
struct Access {
    select: Option<(Vec<String>, Json, Option<i64>)>,
    insert: Option<(Vec<String>, Json)>,
    update: Option<(Vec<String>, Json, Json)>,
    delete: bool,
}

fn access(table: &Table, role: &str) -> Access {
    if role == "admin" {
        let all: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        let empty = Json::Object(Default::default());
        return Access {
            select: Some((all.clone(), empty.clone(), None)),
            insert: Some((all.clone(), empty.clone())),
            update: Some((all, empty.clone(), empty)),
            delete: true,
        };
    }
    Access {
        select: table
            .select
            .get(role)
            .map(|r| (r.columns.clone(), r.filter.clone(), r.limit)),
        insert: table
            .insert
            .get(role)
            .map(|r| (r.columns.clone(), r.filter.clone())),
        update: table
            .update
            .get(role)
            .map(|r| (r.columns.clone(), r.filter.clone(), r.check.clone())),
        delete: table.delete.iter().any(|r| r == role),
    }
}

type Doc<'a> = q::Document<'a, String>;

struct Planner<'d> {
    tables: &'d [Table],
    session: &'d Session,
    variables: Map<String, Json>,
    defined: HashSet<String>,
    fragments: HashMap<String, &'d q::FragmentDefinition<'d, String>>,
}

/// Parses and plans a GraphQL request for the session's role.
pub fn plan(
    tables: &[Table],
    session: &Session,
    query: &str,
    variables: &Map<String, Json>,
    operation_name: Option<&str>,
) -> Result<Plan, GqlError> {
    let doc: Doc<'_> = q::parse_query::<String>(query)
        .map_err(|_| GqlError::validation("$.query", "not a valid graphql query"))?;
    let mut operations = Vec::new();
    let mut fragments = HashMap::new();
    for definition in &doc.definitions {
        match definition {
            q::Definition::Operation(op) => operations.push(op),
            q::Definition::Fragment(f) => {
                fragments.insert(f.name.clone(), f);
            }
        }
    }
    let op_name = |op: &q::OperationDefinition<'_, String>| -> Option<String> {
        match op {
            q::OperationDefinition::SelectionSet(_) => None,
            q::OperationDefinition::Query(x) => x.name.clone(),
            q::OperationDefinition::Mutation(x) => x.name.clone(),
            q::OperationDefinition::Subscription(x) => x.name.clone(),
        }
    };
    let operation = match operation_name {
        Some(name) => operations
            .iter()
            .find(|op| op_name(op).as_deref() == Some(name))
            .copied()
            .ok_or_else(|| {
                GqlError::validation(
                    "$",
                    format!("no such operation found in the document: {name:?}"),
                )
            })?,
        None if operations.len() == 1 => operations[0],
        None => {
            return Err(GqlError::validation(
                "$",
                "exactly one operation has to be present in the document when operationName is not specified",
            ));
        }
    };
    let (mutation, var_defs, directives, selection) = match operation {
        q::OperationDefinition::SelectionSet(s) => (false, &[][..], &[][..], s),
        q::OperationDefinition::Query(x) => (
            false,
            &x.variable_definitions[..],
            &x.directives[..],
            &x.selection_set,
        ),
        q::OperationDefinition::Mutation(x) => (
            true,
            &x.variable_definitions[..],
            &x.directives[..],
            &x.selection_set,
        ),
        q::OperationDefinition::Subscription(_) => {
            return Err(GqlError::unsupported("$", "a subscription over HTTP"));
        }
    };
    if !directives.is_empty() {
        return Err(GqlError::unsupported("$", "an operation directive"));
    }
    let mut planner = Planner {
        tables,
        session,
        variables: Map::new(),
        defined: HashSet::new(),
        fragments,
    };
    planner.bind_variables(var_defs, variables)?;
    let root_type = if mutation {
        "mutation_root"
    } else {
        "query_root"
    };
    if mutation
        && !tables.iter().any(|t| {
            let a = access(t, &session.role);
            a.insert.is_some() || a.update.is_some() || a.delete
        })
    {
        return Err(GqlError::validation("$", "no mutations exist"));
    }
    let mut fields = Vec::new();
    planner.collect_fields(selection, root_type, &mut fields)?;
    let mut planned = Vec::new();
    for field in fields {
        planned.push(planner.plan_root_field(field, mutation)?);
    }
    Ok(Plan {
        mutation,
        fields: planned,
    })
}

fn type_to_string(t: &q::Type<'_, String>) -> String {
    match t {
        q::Type::NamedType(n) => n.clone(),
        q::Type::ListType(inner) => format!("[{}]", type_to_string(inner)),
        q::Type::NonNullType(inner) => format!("{}!", type_to_string(inner)),
    }
}

/// Checks a variable's JSON value against its declared type (built-in
/// scalars strictly; Hasura's own input types are checked where used).
fn check_variable(t: &q::Type<'_, String>, value: &Json, name: &str) -> Result<(), GqlError> {
    let mismatch = |expected: &str| {
        GqlError::validation(
            "$",
            format!(
                "variable {name:?} of type {:?}: expected {expected}, but found {value}",
                type_to_string(t)
            ),
        )
    };
    match t {
        q::Type::NonNullType(inner) => {
            if value.is_null() {
                return Err(GqlError::validation(
                    "$",
                    format!(
                        "null value found for non-nullable type: {:?}",
                        type_to_string(t)
                    ),
                ));
            }
            check_variable(inner, value, name)
        }
        _ if value.is_null() => Ok(()),
        q::Type::ListType(inner) => match value {
            Json::Array(items) => items
                .iter()
                .try_for_each(|v| check_variable(inner, v, name)),
            other => check_variable(inner, other, name),
        },
        q::Type::NamedType(n) => match n.as_str() {
            "String" | "ID" if !(value.is_string() || (n == "ID" && value.is_i64())) => {
                Err(mismatch("a string"))
            }
            "Int" if !value.is_i64() => Err(mismatch("an integer")),
            "Float" if !value.is_number() => Err(mismatch("a number")),
            "Boolean" if !value.is_boolean() => Err(mismatch("a boolean")),
            _ => Ok(()),
        },
    }
}

fn column_text(column: &Column, value: &V, path: &str) -> Result<Option<String>, GqlError> {
    let gql = column.gql_type();
    let mismatch = || {
        GqlError::validation(
            path.to_string(),
            format!(
                "expected a value of type '{gql}', but found {}",
                value.describe()
            ),
        )
    };
    Ok(match (gql, value) {
        (_, V::Null) => None,
        ("json" | "jsonb", v) => Some(v.to_json().to_string()),
        ("Int", V::Int(i)) => Some(i.to_string()),
        ("bigint" | "numeric", V::Int(i)) => Some(i.to_string()),
        ("bigint" | "numeric", V::Str(s)) => Some(s.clone()),
        ("Float" | "numeric", V::Float(f)) => Some(f.to_string()),
        ("Float", V::Int(i)) => Some(i.to_string()),
        ("Boolean", V::Bool(b)) => Some(b.to_string()),
        ("Int" | "bigint" | "numeric" | "Float" | "Boolean", _) => return Err(mismatch()),
        (_, V::Str(s)) => Some(s.clone()),
        _ => return Err(mismatch()),
    })
}

fn object_fields(value: V, type_name: &str, path: &str) -> Result<Vec<(String, V)>, GqlError> {
    match value {
        V::Object(fields) => Ok(fields),
        other => Err(GqlError::validation(
            path.to_string(),
            format!(
                "expected an object for type '{type_name}', but found {}",
                other.describe()
            ),
        )),
    }
}

fn enum_name(
    value: &V,
    type_name: &str,
    allowed: &[String],
    path: &str,
) -> Result<String, GqlError> {
    let name = match value {
        V::Enum(s) | V::Str(s) => s.clone(),
        other => {
            return Err(GqlError::validation(
                path.to_string(),
                format!(
                    "expected an enum value for type '{type_name}', but found {}",
                    other.describe()
                ),
            ));
        }
    };
    if allowed.contains(&name) {
        Ok(name)
    } else {
        let mut sorted = allowed.to_vec();
        sorted.sort();
        let list = sorted
            .iter()
            .map(|a| format!("'{a}'"))
            .collect::<Vec<_>>()
            .join(", ");
        Err(GqlError::validation(
            path.to_string(),
            format!(
                "expected one of the values [{list}] for type '{type_name}', but found '{name}'"
            ),
        ))
    }
}

fn int_arg(value: &V, path: &str) -> Result<Option<i64>, GqlError> {
    match value {
        V::Null => Ok(None),
        V::Int(i) => Ok(Some(*i)),
        other => Err(GqlError::validation(
            path.to_string(),
            format!(
                "expected a value of type 'Int', but found {}",
                other.describe()
            ),
        )),
    }
}

impl<'d> Planner<'d> {
    fn bind_variables(
        &mut self,
        defs: &[q::VariableDefinition<'d, String>],
        provided: &Map<String, Json>,
    ) -> Result<(), GqlError> {
        for def in defs {
            self.defined.insert(def.name.clone());
            let value = match provided.get(&def.name) {
                Some(v) => Some(v.clone()),
                None => match &def.default_value {
                    Some(default) => {
                        let resolved = self.resolve(default, "$")?;
                        resolved.map(|v| v.to_json())
                    }
                    None => None,
                },
            };
            match value {
                Some(v) => {
                    check_variable(&def.var_type, &v, &def.name)?;
                    self.variables.insert(def.name.clone(), v);
                }
                None if matches!(def.var_type, q::Type::NonNullType(_)) => {
                    return Err(GqlError::validation(
                        "$",
                        format!(
                            "expecting a value for non-nullable variable: {:?}",
                            def.name
                        ),
                    ));
                }
                None => {}
            }
        }
        Ok(())
    }

    /// Resolves an AST value; `None` means "absent" (an unset variable).
    fn resolve(&self, value: &q::Value<'d, String>, path: &str) -> Result<Option<V>, GqlError> {
        Ok(Some(match value {
            q::Value::Variable(name) => {
                if !self.defined.contains(name) {
                    return Err(GqlError::validation(
                        path.to_string(),
                        format!("unbound variable {name:?}"),
                    ));
                }
                match self.variables.get(name) {
                    Some(v) => V::from_json(v),
                    None => return Ok(None),
                }
            }
            q::Value::Int(n) => V::Int(n.as_i64().unwrap_or(0)),
            q::Value::Float(f) => V::Float(*f),
            q::Value::String(s) => V::Str(s.clone()),
            q::Value::Boolean(b) => V::Bool(*b),
            q::Value::Null => V::Null,
            q::Value::Enum(e) => V::Enum(e.clone()),
            q::Value::List(items) => {
                let mut out = Vec::new();
                for item in items {
                    out.push(self.resolve(item, path)?.unwrap_or(V::Null));
                }
                V::List(out)
            }
            q::Value::Object(fields) => {
                let mut out = Vec::new();
                for (k, v) in fields {
                    if let Some(v) = self.resolve(v, &format!("{path}.{k}"))? {
                        out.push((k.clone(), v));
                    }
                }
                V::Object(out)
            }
        }))
    }

    fn skipped(
        &self,
        directives: &[q::Directive<'d, String>],
        path: &str,
    ) -> Result<bool, GqlError> {
        for directive in directives {
            let arg = directive
                .arguments
                .iter()
                .find(|(n, _)| n == "if")
                .map(|(_, v)| v);
            let value = match arg {
                Some(v) => self.resolve(v, path)?,
                None => None,
            };
            let flag = match value {
                Some(V::Bool(b)) => b,
                _ => {
                    return Err(GqlError::validation(
                        path.to_string(),
                        format!(
                            "directive '{}' needs a boolean 'if' argument",
                            directive.name
                        ),
                    ));
                }
            };
            match directive.name.as_str() {
                "skip" if flag => return Ok(true),
                "include" if !flag => return Ok(true),
                "skip" | "include" => {}
                other => {
                    return Err(GqlError::unsupported(
                        path.to_string(),
                        format!("the directive '@{other}'"),
                    ));
                }
            }
        }
        Ok(false)
    }

    fn collect_fields(
        &self,
        set: &'d q::SelectionSet<'d, String>,
        type_name: &str,
        out: &mut Vec<&'d q::Field<'d, String>>,
    ) -> Result<(), GqlError> {
        for selection in &set.items {
            match selection {
                q::Selection::Field(field) => {
                    if !self.skipped(&field.directives, "$")? {
                        out.push(field);
                    }
                }
                q::Selection::InlineFragment(fragment) => {
                    if self.skipped(&fragment.directives, "$")? {
                        continue;
                    }
                    if let Some(q::TypeCondition::On(on)) = &fragment.type_condition
                        && on != type_name
                    {
                        continue;
                    }
                    self.collect_fields(&fragment.selection_set, type_name, out)?;
                }
                q::Selection::FragmentSpread(spread) => {
                    if self.skipped(&spread.directives, "$")? {
                        continue;
                    }
                    let fragment = self.fragments.get(&spread.fragment_name).ok_or_else(|| {
                        GqlError::validation(
                            "$",
                            format!("fragment '{}' is undefined", spread.fragment_name),
                        )
                    })?;
                    let q::TypeCondition::On(on) = &fragment.type_condition;
                    if on == type_name {
                        self.collect_fields(&fragment.selection_set, type_name, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn args(
        &self,
        field: &'d q::Field<'d, String>,
        allowed: &[&str],
        path: &str,
    ) -> Result<BTreeMap<String, V>, GqlError> {
        let mut out = BTreeMap::new();
        for (name, value) in &field.arguments {
            if !allowed.contains(&name.as_str()) {
                return Err(GqlError::validation(
                    path.to_string(),
                    format!("'{}' has no argument named '{name}'", field.name),
                ));
            }
            if let Some(v) = self.resolve(value, &format!("{path}.args.{name}"))? {
                out.insert(name.clone(), v);
            }
        }
        Ok(out)
    }

    /// Replaces `X-Hasura-*` strings of a permission expression with
    /// session values (Hasura's session-variable references).
    fn substitute(&self, value: &Json) -> Result<V, GqlError> {
        Ok(match value {
            Json::String(s) if s.to_lowercase().starts_with("x-hasura-") => {
                let name = s.to_lowercase();
                match self.session.variables.get(&name) {
                    Some(v) => V::Str(v.clone()),
                    None => {
                        return Err(GqlError {
                            message: format!("missing session variable: {name:?}"),
                            path: "$".into(),
                            code: "not-found",
                        });
                    }
                }
            }
            Json::Array(items) => V::List(
                items
                    .iter()
                    .map(|i| self.substitute(i))
                    .collect::<Result<_, _>>()?,
            ),
            Json::Object(map) => V::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.substitute(v)?)))
                    .collect::<Result<_, GqlError>>()?,
            ),
            other => V::from_json(other),
        })
    }

    fn permission_filter(&self, table: &Table, expr: &Json) -> Result<Filter, GqlError> {
        let value = self.substitute(expr)?;
        let all: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        bool_exp(&value, table, &all, "$")
    }

    fn table_by_root(&self, name: &str) -> Option<(usize, &'d Table, &'static str)> {
        const SUFFIXES: [(&str, &str, &str); 10] = [
            ("insert_", "_one", "insert_one"),
            ("insert_", "", "insert"),
            ("update_", "_by_pk", "update_by_pk"),
            ("update_", "_many", "update_many"),
            ("update_", "", "update"),
            ("delete_", "_by_pk", "delete_by_pk"),
            ("delete_", "", "delete"),
            ("", "_by_pk", "by_pk"),
            ("", "_aggregate", "aggregate"),
            ("", "", "select"),
        ];
        for (prefix, suffix, kind) in SUFFIXES {
            let Some(rest) = name
                .strip_prefix(prefix)
                .and_then(|r| r.strip_suffix(suffix))
            else {
                continue;
            };
            if let Some((i, t)) = self
                .tables
                .iter()
                .enumerate()
                .find(|(_, t)| t.gql_name() == rest)
            {
                return Some((i, t, kind));
            }
        }
        None
    }

    fn plan_root_field(
        &self,
        field: &'d q::Field<'d, String>,
        mutation: bool,
    ) -> Result<RootField, GqlError> {
        let key = field.alias.clone().unwrap_or_else(|| field.name.clone());
        let root_type = if mutation {
            "mutation_root"
        } else {
            "query_root"
        };
        let path = format!("$.selectionSet.{}", field.name);
        if field.name == "__typename" {
            return Ok(RootField::Typename {
                key,
                value: root_type.to_string(),
            });
        }
        if field.name.starts_with("__") {
            return Err(GqlError::unsupported(path, "introspection"));
        }
        let not_found = || {
            GqlError::validation(
                path.clone(),
                format!("field '{}' not found in type: '{root_type}'", field.name),
            )
        };
        let Some((index, table, kind)) = self.table_by_root(&field.name) else {
            return Err(not_found());
        };
        let access = access(table, &self.session.role);
        let is_query_kind = matches!(kind, "select" | "by_pk" | "aggregate");
        if is_query_kind == mutation {
            return Err(not_found());
        }
        match kind {
            "select" | "by_pk" => {
                let Some((columns, filter, perm_limit)) = &access.select else {
                    return Err(not_found());
                };
                let pk = table.primary_key();
                if kind == "by_pk"
                    && !pk.is_some_and(|pk| pk.columns.iter().all(|c| columns.contains(c)))
                {
                    return Err(not_found());
                }
                self.plan_select(
                    field,
                    key,
                    path,
                    index,
                    table,
                    kind == "by_pk",
                    columns,
                    filter,
                    *perm_limit,
                )
            }
            "aggregate" => {
                if self.session.role == "admin" {
                    Err(GqlError::unsupported(path, format!("'{}'", field.name)))
                } else {
                    Err(not_found())
                }
            }
            "insert" | "insert_one" => {
                let Some((columns, check)) = &access.insert else {
                    return Err(not_found());
                };
                self.plan_insert(
                    field,
                    key,
                    path,
                    index,
                    table,
                    kind == "insert_one",
                    columns,
                    check,
                    &access,
                )
            }
            _ => {
                let exists = match kind {
                    "update" | "update_by_pk" | "update_many" => access.update.is_some(),
                    _ => access.delete,
                };
                if exists {
                    Err(GqlError::unsupported(path, format!("'{}'", field.name)))
                } else {
                    Err(not_found())
                }
            }
        }
    }

    fn output_fields(
        &self,
        field: &'d q::Field<'d, String>,
        table: &Table,
        columns: &[String],
        path: &str,
    ) -> Result<Vec<OutField>, GqlError> {
        let type_name = table.gql_name();
        if field.selection_set.items.is_empty() {
            return Err(GqlError::validation(
                path.to_string(),
                format!("missing selection set for '{}'", field.name),
            ));
        }
        let mut selected = Vec::new();
        self.collect_fields(&field.selection_set, &type_name, &mut selected)?;
        let mut out = Vec::new();
        for sub in selected {
            let key = sub.alias.clone().unwrap_or_else(|| sub.name.clone());
            let sub_path = format!("{path}.selectionSet.{}", sub.name);
            if sub.name == "__typename" {
                out.push(OutField::Typename {
                    key,
                    value: type_name.clone(),
                });
            } else if columns.contains(&sub.name) {
                if !sub.arguments.is_empty() {
                    return Err(GqlError::validation(
                        sub_path,
                        format!(
                            "'{}' has no argument named '{}'",
                            sub.name, sub.arguments[0].0
                        ),
                    ));
                }
                if !sub.selection_set.items.is_empty() {
                    return Err(GqlError::validation(
                        sub_path,
                        format!("unexpected subselection set for '{}'", sub.name),
                    ));
                }
                out.push(OutField::Column {
                    key,
                    column: sub.name.clone(),
                });
            } else {
                return Err(GqlError::validation(
                    sub_path,
                    format!("field '{}' not found in type: '{type_name}'", sub.name),
                ));
            }
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn plan_select(
        &self,
        field: &'d q::Field<'d, String>,
        key: String,
        path: String,
        index: usize,
        table: &Table,
        by_pk: bool,
        columns: &[String],
        perm_filter: &Json,
        perm_limit: Option<i64>,
    ) -> Result<RootField, GqlError> {
        let mut filters = vec![self.permission_filter(table, perm_filter)?];
        let mut order_by = Vec::new();
        let mut limit = perm_limit;
        let mut offset = None;
        if by_pk {
            let pk = table
                .primary_key()
                .map(|pk| pk.columns.clone())
                .unwrap_or_default();
            let names: Vec<&str> = pk.iter().map(String::as_str).collect();
            let mut args = self.args(field, &names, &path)?;
            for column_name in &pk {
                let arg_path = format!("{path}.args.{column_name}");
                let value = args.remove(column_name).ok_or_else(|| {
                    GqlError::validation(
                        format!("{path}.args"),
                        format!("missing required field '{column_name}'"),
                    )
                })?;
                let column = table
                    .column(column_name)
                    .ok_or_else(|| GqlError::validation(arg_path.clone(), "unknown column"))?;
                let text = column_text(column, &value, &arg_path)?.ok_or_else(|| {
                    GqlError::validation(
                        arg_path.clone(),
                        format!("unexpected null value for type '{}'", column.gql_type()),
                    )
                })?;
                filters.push(Filter::Cmp {
                    column: column_name.clone(),
                    pg_type: column.pg_type.clone(),
                    op: CmpOp::Eq,
                    value: text,
                });
            }
        } else {
            let args = self.args(
                field,
                &["where", "order_by", "limit", "offset", "distinct_on"],
                &path,
            )?;
            for (name, value) in args {
                let arg_path = format!("{path}.args.{name}");
                match name.as_str() {
                    "where" => filters.push(bool_exp(&value, table, columns, &arg_path)?),
                    "order_by" => {
                        for item in value.into_list() {
                            for (column, direction) in object_fields(
                                item,
                                &format!("{}_order_by", table.gql_name()),
                                &arg_path,
                            )? {
                                if !columns.contains(&column) {
                                    return Err(GqlError::validation(
                                        format!("{arg_path}.{column}"),
                                        format!(
                                            "field '{column}' not found in type: '{}_order_by'",
                                            table.gql_name()
                                        ),
                                    ));
                                }
                                let directions: Vec<String> = [
                                    "asc",
                                    "asc_nulls_first",
                                    "asc_nulls_last",
                                    "desc",
                                    "desc_nulls_first",
                                    "desc_nulls_last",
                                ]
                                .iter()
                                .map(|s| s.to_string())
                                .collect();
                                let dir = enum_name(
                                    &direction,
                                    "order_by",
                                    &directions,
                                    &format!("{arg_path}.{column}"),
                                )?;
                                let sql = match dir.as_str() {
                                    "asc" | "asc_nulls_last" => "ASC NULLS LAST",
                                    "asc_nulls_first" => "ASC NULLS FIRST",
                                    "desc" | "desc_nulls_first" => "DESC NULLS FIRST",
                                    _ => "DESC NULLS LAST",
                                };
                                order_by.push((column, sql));
                            }
                        }
                    }
                    "limit" => {
                        if let Some(n) = int_arg(&value, &arg_path)? {
                            limit = Some(limit.map_or(n, |l| l.min(n)));
                        }
                    }
                    "offset" => offset = int_arg(&value, &arg_path)?,
                    _ => return Err(GqlError::unsupported(arg_path, "'distinct_on'")),
                }
            }
        }
        let fields = self.output_fields(field, table, columns, &path)?;
        Ok(RootField::Select(SelectPlan {
            key,
            path,
            table: index,
            filter: Filter::And(filters),
            order_by,
            limit: if by_pk { Some(1) } else { limit },
            offset,
            single: by_pk,
            fields,
        }))
    }

    #[allow(clippy::too_many_arguments)]
    fn plan_insert(
        &self,
        field: &'d q::Field<'d, String>,
        key: String,
        path: String,
        index: usize,
        table: &Table,
        one: bool,
        insert_columns: &[String],
        check: &Json,
        access: &Access,
    ) -> Result<RootField, GqlError> {
        let gql = table.gql_name();
        let mut allowed_args = vec![if one { "object" } else { "objects" }];
        if access.update.is_some() {
            allowed_args.push("on_conflict");
        }
        let mut args = self.args(field, &allowed_args, &path)?;
        let objects_name = allowed_args[0];
        let error_path = format!("{path}.args.{objects_name}");
        let objects = args.remove(objects_name).ok_or_else(|| {
            GqlError::validation(
                format!("{path}.args"),
                format!("missing required field '{objects_name}'"),
            )
        })?;
        let objects = if one {
            vec![objects]
        } else {
            objects.into_list()
        };
        let input_type = format!("{gql}_insert_input");
        let mut parsed_rows = Vec::new();
        for (i, object) in objects.into_iter().enumerate() {
            let row_path = if one {
                error_path.clone()
            } else {
                format!("{error_path}[{i}]")
            };
            let mut row = BTreeMap::new();
            for (name, value) in object_fields(object, &input_type, &row_path)? {
                let field_path = format!("{row_path}.{name}");
                if !insert_columns.contains(&name) {
                    return Err(GqlError::validation(
                        field_path,
                        format!("field '{name}' not found in type: '{input_type}'"),
                    ));
                }
                let column = table
                    .column(&name)
                    .ok_or_else(|| GqlError::validation(field_path.clone(), "unknown column"))?;
                row.insert(name.clone(), column_text(column, &value, &field_path)?);
            }
            parsed_rows.push(row);
        }
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| c.name.clone())
            .filter(|c| parsed_rows.iter().any(|r| r.contains_key(c)))
            .collect();
        let rows = parsed_rows
            .into_iter()
            .map(|mut r| columns.iter().map(|c| r.remove(c)).collect())
            .collect();

        let on_conflict = match args.remove("on_conflict") {
            None | Some(V::Null) => None,
            Some(value) => {
                let oc_path = format!("{path}.args.on_conflict");
                let (update_columns, update_filter, _) = access.update.clone().unwrap_or_default();
                let oc_type = format!("{gql}_on_conflict");
                let mut constraint = None;
                let mut update = Vec::new();
                let mut filters = vec![self.permission_filter(table, &update_filter)?];
                for (name, v) in object_fields(value, &oc_type, &oc_path)? {
                    let p = format!("{oc_path}.{name}");
                    match name.as_str() {
                        "constraint" => {
                            let names: Vec<String> =
                                table.constraints.iter().map(|c| c.name.clone()).collect();
                            constraint =
                                Some(enum_name(&v, &format!("{gql}_constraint"), &names, &p)?);
                        }
                        "update_columns" => {
                            for item in v.into_list() {
                                update.push(enum_name(
                                    &item,
                                    &format!("{gql}_update_column"),
                                    &update_columns,
                                    &p,
                                )?);
                            }
                        }
                        "where" => filters.push(bool_exp(
                            &v,
                            table,
                            &access
                                .select
                                .as_ref()
                                .map(|s| s.0.clone())
                                .unwrap_or_default(),
                            &p,
                        )?),
                        _ => {
                            return Err(GqlError::validation(
                                p,
                                format!("field '{name}' not found in type: '{oc_type}'"),
                            ));
                        }
                    }
                }
                let constraint = constraint.ok_or_else(|| {
                    GqlError::validation(oc_path.clone(), "missing required field 'constraint'")
                })?;
                Some(OnConflict {
                    constraint,
                    update_columns: update,
                    filter: Filter::And(filters),
                })
            }
        };
        let insert_check = self.permission_filter(table, check)?;
        let update_check = match &access.update {
            Some((_, _, check)) => self.permission_filter(table, check)?,
            None => Filter::True,
        };
        let select_columns = access
            .select
            .as_ref()
            .map(|s| s.0.clone())
            .unwrap_or_default();
        let (one_fields, many) = if one {
            (
                Some(self.output_fields(field, table, &select_columns, &path)?),
                Vec::new(),
            )
        } else {
            (
                None,
                self.response_fields(field, table, &select_columns, &path)?,
            )
        };
        Ok(RootField::Insert(Box::new(InsertPlan {
            key,
            path,
            error_path,
            table: index,
            columns,
            rows,
            on_conflict,
            insert_check,
            update_check,
            one: one_fields,
            many,
        })))
    }

    fn response_fields(
        &self,
        field: &'d q::Field<'d, String>,
        table: &Table,
        columns: &[String],
        path: &str,
    ) -> Result<Vec<ResponseField>, GqlError> {
        let type_name = format!("{}_mutation_response", table.gql_name());
        if field.selection_set.items.is_empty() {
            return Err(GqlError::validation(
                path.to_string(),
                format!("missing selection set for '{}'", field.name),
            ));
        }
        let mut selected = Vec::new();
        self.collect_fields(&field.selection_set, &type_name, &mut selected)?;
        let mut out = Vec::new();
        for sub in selected {
            let key = sub.alias.clone().unwrap_or_else(|| sub.name.clone());
            let sub_path = format!("{path}.selectionSet.{}", sub.name);
            match sub.name.as_str() {
                "__typename" => out.push(ResponseField::Typename {
                    key,
                    value: type_name.clone(),
                }),
                "affected_rows" => out.push(ResponseField::AffectedRows { key }),
                "returning" => {
                    let fields = self.output_fields(sub, table, columns, &sub_path)?;
                    out.push(ResponseField::Returning { key, fields });
                }
                other => {
                    return Err(GqlError::validation(
                        sub_path,
                        format!("field '{other}' not found in type: '{type_name}'"),
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// Compiles a `<table>_bool_exp` value; `columns` are those the role may
/// filter on.
pub fn bool_exp(
    value: &V,
    table: &Table,
    columns: &[String],
    path: &str,
) -> Result<Filter, GqlError> {
    let type_name = format!("{}_bool_exp", table.gql_name());
    let fields = object_fields(value.clone(), &type_name, path)?;
    let mut parts = Vec::new();
    for (name, v) in fields {
        let p = format!("{path}.{name}");
        match name.as_str() {
            "_and" | "_or" => {
                let items = v
                    .into_list()
                    .iter()
                    .map(|item| bool_exp(item, table, columns, &p))
                    .collect::<Result<Vec<_>, _>>()?;
                parts.push(if name == "_and" {
                    Filter::And(items)
                } else {
                    Filter::Or(items)
                });
            }
            "_not" => parts.push(Filter::Not(Box::new(bool_exp(&v, table, columns, &p)?))),
            "_exists" => return Err(GqlError::unsupported(p, "'_exists'")),
            column_name if columns.iter().any(|c| c == column_name) => {
                let column = table
                    .column(column_name)
                    .ok_or_else(|| GqlError::validation(p.clone(), "unknown column"))?;
                let cmp_type = format!("{}_comparison_exp", column.gql_type());
                for (op, operand) in object_fields(v, &cmp_type, &p)? {
                    let op_path = format!("{p}.{op}");
                    let null_error = || {
                        GqlError::validation(
                            op_path.clone(),
                            format!("unexpected null value for type '{}'", column.gql_type()),
                        )
                    };
                    let cmp = match op.as_str() {
                        "_eq" => Some(CmpOp::Eq),
                        "_neq" => Some(CmpOp::Neq),
                        "_gt" => Some(CmpOp::Gt),
                        "_lt" => Some(CmpOp::Lt),
                        "_gte" => Some(CmpOp::Gte),
                        "_lte" => Some(CmpOp::Lte),
                        "_like" => Some(CmpOp::Like),
                        "_nlike" => Some(CmpOp::Nlike),
                        "_ilike" => Some(CmpOp::Ilike),
                        "_nilike" => Some(CmpOp::Nilike),
                        _ => None,
                    };
                    if let Some(cmp) = cmp {
                        if cmp.is_text() && column.gql_type() != "String" {
                            return Err(GqlError::validation(
                                op_path,
                                format!("field '{op}' not found in type: '{cmp_type}'"),
                            ));
                        }
                        let text =
                            column_text(column, &operand, &op_path)?.ok_or_else(null_error)?;
                        parts.push(Filter::Cmp {
                            column: column.name.clone(),
                            pg_type: column.pg_type.clone(),
                            op: cmp,
                            value: text,
                        });
                        continue;
                    }
                    match op.as_str() {
                        "_in" | "_nin" => {
                            let mut values = Vec::new();
                            for item in operand.into_list() {
                                values.push(
                                    column_text(column, &item, &op_path)?.ok_or_else(null_error)?,
                                );
                            }
                            parts.push(Filter::In {
                                column: column.name.clone(),
                                pg_type: column.pg_type.clone(),
                                negated: op == "_nin",
                                values,
                            });
                        }
                        "_is_null" => match operand {
                            V::Bool(b) => parts.push(Filter::IsNull {
                                column: column.name.clone(),
                                is_null: b,
                            }),
                            other => {
                                return Err(GqlError::validation(
                                    op_path,
                                    format!(
                                        "expected a value of type 'Boolean', but found {}",
                                        other.describe()
                                    ),
                                ));
                            }
                        },
                        _ => {
                            return Err(GqlError::validation(
                                op_path,
                                format!("field '{op}' not found in type: '{cmp_type}'"),
                            ));
                        }
                    }
                }
            }
            other => {
                return Err(GqlError::validation(
                    p,
                    format!("field '{other}' not found in type: '{type_name}'"),
                ));
            }
        }
    }
    Ok(match parts.len() {
        0 => Filter::True,
        1 => parts.remove(0),
        _ => Filter::And(parts),
    })
}
