//! The users the mock knows at runtime: the tenant's, plus those created or changed by the
//! Management API, the Rust handle and hooks. One set of rules for every way in, so a user made
//! one way can never be a user another way would refuse.

use crate::tenant::{MfaFactors, Permission, User, merge_metadata};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Why a user could not be created or changed. The texts are the Management API's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    /// Another user has that id or email.
    #[error("The user already exists.")]
    Exists,
    /// Another user of the same connection has that username.
    #[error("The username already exists.")]
    UsernameExists,
    /// No user with that id.
    #[error("The user does not exist.")]
    Missing,
    /// Neither an email nor a username.
    #[error("Payload validation error: 'Missing required property: email'")]
    NoLogin,
    /// A role the tenant does not define.
    #[error("Unknown role '{0}'")]
    UnknownRole(String),
    /// A change the Management API refuses, or a body that is not a user.
    #[error("Payload validation error: {0}")]
    Invalid(String),
    /// The store holds [`USERS_CAP`] users already.
    #[error("auth0-mock holds at most {USERS_CAP} users: delete some or reset first")]
    Full,
}

/// At most this many users (fixtures included): users are only ever added on purpose, so past
/// the cap a new one is refused rather than an old one dropped.
pub const USERS_CAP: usize = 100_000;

/// Why a user may not log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefusal {
    /// The user is gone (deleted since the session, code or refresh token was issued).
    Unknown,
    /// The user is blocked.
    Blocked,
}

/// A user's logins since the fixtures loaded: what the Management API shows as
/// `logins_count` and `last_login`, and what `stats/active-users` counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Logins {
    /// Logins counted (refreshes are not).
    pub count: u64,
    /// When the last counted login began (Unix seconds, the mock's clock).
    pub last: Option<i64>,
}

/// Users in creation order, with their login counts.
#[derive(Debug, Default)]
pub(crate) struct Users {
    list: Vec<User>,
    logins: HashMap<String, Logins>,
    /// The connection of users that name none (the tenant's default database).
    default_connection: String,
}

impl Users {
    /// The tenant's users, as loaded (already normalised and checked by the fixture loader);
    /// users naming no connection belong to `default_connection`.
    pub(crate) fn new(users: Vec<User>, default_connection: String) -> Self {
        Self {
            list: users,
            logins: HashMap::new(),
            default_connection,
        }
    }

    /// The connection a user belongs to.
    fn connection_of<'a>(&'a self, u: &'a User) -> &'a str {
        u.connection.as_deref().unwrap_or(&self.default_connection)
    }

    /// A user of `connection` by email or username. Auth0 keeps an identity per connection, so
    /// one email may have a database user and a passwordless user, each its own `user_id`.
    pub(crate) fn find_in(&self, login: &str, connection: &str) -> Option<&User> {
        self.list
            .iter()
            .find(|u| self.connection_of(u) == connection && u.matches_login(login))
    }

    /// The user a password login for `login` (within `realm`) is an attempt on: the first user
    /// it names who has a password.
    pub(crate) fn password_holder(&self, login: &str, realm: Option<&str>) -> Option<&User> {
        self.list.iter().find(|u| {
            (u.user_id == login || u.matches_login(login))
                && realm.is_none_or(|r| self.connection_of(u) == r)
                && u.password.is_some()
        })
    }

    /// The user `login` names whose password `password` is, within `realm` when given.
    pub(crate) fn with_password(
        &self,
        login: &str,
        password: &str,
        realm: Option<&str>,
    ) -> Option<&User> {
        self.list.iter().find(|u| {
            (u.user_id == login || u.matches_login(login))
                && realm.is_none_or(|r| self.connection_of(u) == r)
                && u.has_password(password)
        })
    }

    pub(crate) fn get(&self, user_id: &str) -> Option<&User> {
        self.list.iter().find(|u| u.user_id == user_id)
    }

    /// A user by id, email or username (emails and usernames case-insensitively, as Auth0).
    pub(crate) fn find(&self, login: &str) -> Option<&User> {
        self.list
            .iter()
            .find(|u| u.user_id == login || u.matches_login(login))
    }

    pub(crate) fn all(&self) -> &[User] {
        &self.list
    }

    /// Counts a login (unless `counts` is false, as for a refresh) and returns the user with
    /// their `logins_count`, or why they may not log in.
    pub(crate) fn begin_login(
        &mut self,
        user_id: &str,
        counts: bool,
        now: i64,
    ) -> Result<(User, u64), LoginRefusal> {
        let user = self.get(user_id).ok_or(LoginRefusal::Unknown)?;
        if user.blocked {
            return Err(LoginRefusal::Blocked);
        }
        let user = user.clone();
        let logins = self.logins.entry(user_id.to_string()).or_default();
        if counts {
            logins.count += 1;
            logins.last = Some(now);
        }
        Ok((user, logins.count))
    }

    /// A user's logins so far.
    pub(crate) fn logins(&self, user_id: &str) -> Logins {
        self.logins.get(user_id).copied().unwrap_or_default()
    }

    /// How many users logged in at or after `since`.
    pub(crate) fn active_since(&self, since: i64) -> usize {
        self.logins
            .values()
            .filter(|l| l.last.is_some_and(|t| t >= since))
            .count()
    }

    /// Changes a user's roles and direct permissions (the Management API's role and
    /// permission endpoints); every role must exist. The user as now stored.
    pub(crate) fn change_access(
        &mut self,
        user_id: &str,
        role_exists: impl Fn(&str) -> bool,
        change: impl FnOnce(&mut Vec<String>, &mut Vec<Permission>),
    ) -> Result<User, UserError> {
        let u = self
            .list
            .iter_mut()
            .find(|u| u.user_id == user_id)
            .ok_or(UserError::Missing)?;
        let (mut roles, mut permissions) = (u.roles.clone(), u.permissions.clone());
        change(&mut roles, &mut permissions);
        if let Some(bad) = roles.iter().find(|r| !role_exists(r)) {
            return Err(UserError::UnknownRole(bad.clone()));
        }
        u.roles = roles;
        u.permissions = permissions;
        Ok(u.clone())
    }

    /// A role renamed (`Some`) or deleted (`None`) in the tenant: every user holding it follows.
    pub(crate) fn rename_role(&mut self, old: &str, new: Option<&str>) {
        for u in &mut self.list {
            match new {
                Some(n) => u
                    .roles
                    .iter_mut()
                    .filter(|r| *r == old)
                    .for_each(|r| *r = n.into()),
                None => u.roles.retain(|r| r != old),
            }
        }
    }

    /// Applies metadata changes made by hooks; returns the user as now stored.
    pub(crate) fn apply_metadata(
        &mut self,
        user_id: &str,
        app: &Map<String, Value>,
        user_meta: &Map<String, Value>,
        stamp: &str,
    ) -> Option<User> {
        let u = self.list.iter_mut().find(|u| u.user_id == user_id)?;
        merge_metadata(&mut u.app_metadata, app);
        merge_metadata(&mut u.user_metadata, user_meta);
        if !app.is_empty() || !user_meta.is_empty() {
            u.updated_at = Some(stamp.to_string());
        }
        Some(u.clone())
    }

    /// Adds a new user. An empty `user_id` gets a fresh one.
    pub(crate) fn create(
        &mut self,
        mut user: User,
        role_exists: impl Fn(&str) -> bool,
        now: i64,
    ) -> Result<User, UserError> {
        if user.user_id.is_empty() {
            user.user_id = crate::util::short_hash(&format!(
                "{}{}",
                user.login_name(),
                crate::util::random_id(8)
            ));
        }
        user.normalize(now);
        self.check(&user, None, &role_exists)?;
        if self.list.len() >= USERS_CAP {
            return Err(UserError::Full);
        }
        self.list.push(user.clone());
        Ok(user)
    }

    /// Adds a user, or replaces the one with the same id.
    pub(crate) fn upsert(
        &mut self,
        mut user: User,
        role_exists: impl Fn(&str) -> bool,
        now: i64,
    ) -> Result<User, UserError> {
        user.normalize(now);
        let existing = self.list.iter().position(|u| u.user_id == user.user_id);
        self.check(&user, existing, &role_exists)?;
        match existing {
            Some(i) => self.list[i] = user.clone(),
            None if self.list.len() >= USERS_CAP => return Err(UserError::Full),
            None => self.list.push(user.clone()),
        }
        Ok(user)
    }

    /// Applies a Management API `PATCH`: fields are replaced, metadata merged (`null` deletes),
    /// `user_id` is fixed.
    pub(crate) fn update(
        &mut self,
        user_id: &str,
        patch: &Map<String, Value>,
        role_exists: impl Fn(&str) -> bool,
        stamp: &str,
    ) -> Result<User, UserError> {
        let index = self
            .list
            .iter()
            .position(|u| u.user_id == user_id)
            .ok_or(UserError::Missing)?;
        if patch.contains_key("user_id") {
            return Err(UserError::Invalid("user_id cannot be changed".into()));
        }
        let current = &self.list[index];
        let mut fields = match serde_json::to_value(current) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        // `password` is never serialised (it must not leak into API answers): carry it over.
        fields.insert("password".into(), serde_json::json!(current.password));
        for (k, v) in patch {
            let is_metadata = k == "app_metadata" || k == "user_metadata";
            match (fields.get_mut(k), v) {
                (Some(Value::Object(target)), Value::Object(changes)) if is_metadata => {
                    merge_metadata(target, changes);
                }
                _ => {
                    fields.insert(k.clone(), v.clone());
                }
            }
        }
        let mut updated: User = serde_json::from_value(Value::Object(fields))
            .map_err(|e| UserError::Invalid(e.to_string()))?;
        updated.updated_at = Some(stamp.to_string());
        // Second factors are never serialised either, nor changed by a patch (Auth0 manages
        // enrolments apart from the user): carry them over.
        updated.mfa = current.mfa.clone();
        self.check(&updated, Some(index), &role_exists)?;
        self.list[index] = updated.clone();
        Ok(updated)
    }

    /// Sets a new password, stamping `last_password_reset` (and, for a password-change ticket
    /// that says so, verifying the email).
    pub(crate) fn set_password(
        &mut self,
        user_id: &str,
        password: &str,
        mark_email_verified: bool,
        stamp: &str,
    ) -> Result<User, UserError> {
        let u = self
            .list
            .iter_mut()
            .find(|u| u.user_id == user_id)
            .ok_or(UserError::Missing)?;
        u.password = Some(password.to_string());
        u.last_password_reset = Some(stamp.to_string());
        u.updated_at = Some(stamp.to_string());
        if mark_email_verified {
            u.email_verified = true;
        }
        Ok(u.clone())
    }

    /// Marks the email verified.
    pub(crate) fn verify_email(&mut self, user_id: &str, stamp: &str) -> Result<User, UserError> {
        let u = self
            .list
            .iter_mut()
            .find(|u| u.user_id == user_id)
            .ok_or(UserError::Missing)?;
        u.email_verified = true;
        u.updated_at = Some(stamp.to_string());
        Ok(u.clone())
    }

    /// Changes a user's second factors with `change`; the factors as now stored.
    pub(crate) fn change_mfa(
        &mut self,
        user_id: &str,
        change: impl FnOnce(&mut MfaFactors),
    ) -> Result<MfaFactors, UserError> {
        let u = self
            .list
            .iter_mut()
            .find(|u| u.user_id == user_id)
            .ok_or(UserError::Missing)?;
        let factors = u.mfa.get_or_insert_with(MfaFactors::default);
        change(factors);
        Ok(factors.clone())
    }

    /// Removes a user; whether there was one.
    pub(crate) fn delete(&mut self, user_id: &str) -> bool {
        let before = self.list.len();
        self.list.retain(|u| u.user_id != user_id);
        self.logins.remove(user_id);
        self.list.len() != before
    }

    /// The rules every stored user meets. `replacing` is the index of the user being replaced,
    /// who may keep their own id and email.
    fn check(
        &self,
        user: &User,
        replacing: Option<usize>,
        role_exists: &impl Fn(&str) -> bool,
    ) -> Result<(), UserError> {
        if user.email.is_none() && user.username.is_none() && user.phone_number.is_none() {
            return Err(UserError::NoLogin);
        }
        if let Some(bad) = user.roles.iter().find(|r| !role_exists(r)) {
            return Err(UserError::UnknownRole(bad.clone()));
        }
        let others = self
            .list
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != replacing)
            .map(|(_, u)| u);
        for other in others {
            let same_connection = self.connection_of(other) == self.connection_of(user);
            let same_email = match (&other.email, &user.email) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b) && same_connection,
                _ => false,
            };
            if other.user_id == user.user_id || same_email {
                return Err(UserError::Exists);
            }
            let same_username = match (&other.username, &user.username) {
                (Some(a), Some(b)) => {
                    a.eq_ignore_ascii_case(b) && other.connection == user.connection
                }
                _ => false,
            };
            if same_username {
                return Err(UserError::UsernameExists);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
