//! Runtime state that changes while the mock serves: users (metadata written by hooks and the
//! Management API), browser sessions, logins parked at the login page, authorization codes,
//! refresh-token families and opaque access tokens.
//!
//! The state is private behind one lock and changed only through the named operations below,
//! so every rule (rotation and reuse detection, the user rules, expiry) lives in one place.
//! Operations are tiny and never await while holding the lock.
//!
//! Everything is in memory and bounded twice: entries expire, and each kind has a cap past which
//! the oldest go first (logged). The caps:
//!
//! | kind | cap | lifetime |
//! | --- | --- | --- |
//! | users | [`USERS_CAP`] (refused past it, never dropped) | until deleted or reset |
//! | sessions | [`SESSIONS_CAP`] | 3 days |
//! | parked logins | [`PARKED_CAP`] and [`PARKED_BYTES`] | 1 hour |
//! | authorization codes | [`CODES_CAP`] | 5 minutes |
//! | refresh tokens | [`REFRESH_CAP`] (and 200 families per user and client, as Auth0) | the client's `token_lifetime` |
//! | opaque access tokens | [`OPAQUE_CAP`] | 24 h (2 h implicit) |
//!
//! `cargo bench --bench soak` measures a refresh token at about 0.55 KB once the cap is reached
//! (token text shared by the indexes, identical grants stored once), so refresh tokens hold at
//! most about 55 MB; the other kinds are smaller per entry and rarer.

mod expiring;
mod invitations;
mod jobs;
mod mfa;
mod otp;
mod refresh;
mod tickets;
mod user_query;
mod users;

pub(crate) use invitations::Invitation;
pub(crate) use jobs::{ImportSummary, Job, JobError};
pub(crate) use mfa::{MfaTicket, MfaWait, RefreshContinuation};
pub(crate) use otp::{OTP_ATTEMPTS, Otp, OtpRefusal, otp_key};
pub(crate) use refresh::{Exchanged, FamilyGone, RefreshGrant, RefreshRefusal, RevokeRefusal};
pub(crate) use tickets::{Ticket, TicketPurpose, TicketRefusal};
pub(crate) use user_query::{UserQuery, project, sort_users};
pub(crate) use users::{LoginRefusal, Logins};
pub use users::{USERS_CAP, UserError};

use crate::login::grant::Grant;
use crate::login::paused::PausedLogin;
use crate::login::request::AuthorizeRequest;
use crate::protocol::{CodeChallenge, RotationType};
use crate::tenant::{Permission, User};
use crate::util::random_id;
use expiring::Expiring;
use mfa::FactorLimits;
use parking_lot::Mutex;
use refresh::RefreshTokens;
use serde_json::{Map, Value};
use users::Users;

/// At most this many browser sessions.
pub const SESSIONS_CAP: usize = 10_000;
/// At most this many logins waiting at the login page.
pub const PARKED_CAP: usize = 5_000;
/// Most bytes of parked logins: their size is the caller's (`/authorize` queries, up to
/// [`AUTHORIZE_QUERY_MAX`] each), so a count alone would not bound them.
pub const PARKED_BYTES: usize = 32 * 1024 * 1024;
/// Longest `/authorize` query accepted, as Auth0's edge (Cloudflare) refuses longer URLs.
pub const AUTHORIZE_QUERY_MAX: usize = 16 * 1024;

/// How long a login may sit parked at a login screen (the login page, sign-up, the
/// organization prompts).
pub const PARKED_SECS: i64 = 3600;
/// At most this many authorization codes not yet exchanged.
pub const CODES_CAP: usize = 10_000;
/// At most this many jobs kept (Auth0 keeps a job's data 24 hours).
const JOBS_CAP: usize = 1_000;
/// Auth0 deletes job data after 24 hours.
const JOB_LIFETIME: i64 = 24 * 3600;
/// At most this many refresh tokens (spent ones included: reuse detection needs them).
pub const REFRESH_CAP: usize = 100_000;
/// At most this many opaque access tokens.
pub const OPAQUE_CAP: usize = 100_000;
/// At most this many email tickets (verification and reset links).
pub const TICKETS_CAP: usize = 10_000;
/// At most this many passwordless codes waiting to be used.
pub const OTP_CAP: usize = 10_000;
/// Consecutive failed password logins from one IP after which brute-force protection blocks
/// the account for that IP (Auth0's threshold).
pub const BRUTE_FORCE_THRESHOLD: u32 = 10;
/// How long a brute-force block (and the failure count) lasts without a reset: 30 days, as
/// Auth0.
const BRUTE_FORCE_SECS: i64 = 30 * 86_400;
/// At most this many (user, IP) failure counts.
const FAILURES_CAP: usize = 100_000;
/// At most this many cross-origin login tickets not yet used.
const LOGIN_TICKETS_CAP: usize = 10_000;
/// How long a browser session lasts (Auth0's default inactivity timeout is 3 days).
pub(crate) const SESSION_SECS: i64 = 3 * 24 * 3600;
/// At most this many unvisited one-time sign-in links (`POST /__mock/login`).
const SESSION_LINKS_CAP: usize = 10_000;
/// Most organization invitations held.
const INVITATIONS_CAP: usize = 10_000;
/// How long a cross-origin login ticket works: long enough for the redirect that follows.
pub(crate) const LOGIN_TICKET_SECS: i64 = 300;

/// A one-time sign-in link (`POST /__mock/login`): visiting it joins a session made for a
/// test user, with no login form.
#[derive(Debug, Clone)]
pub(crate) struct SessionLink {
    /// The session the link's visitor joins.
    pub sid: String,
    /// Where the browser goes next, if anywhere.
    pub return_to: Option<String>,
}

/// What a cross-origin login ticket (`/co/authenticate` → `/authorize?login_ticket=`) stands
/// for.
#[derive(Debug, Clone)]
pub(crate) struct LoginTicket {
    /// Who authenticated.
    pub user_id: String,
    /// The application that may use it.
    pub client_id: String,
}

/// Why a password login failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PasswordRefusal {
    /// Wrong login or password.
    Wrong,
    /// Brute-force protection has blocked the account for this IP (the password is not even
    /// looked at, as in Auth0). `just_now` is true on the failure that crossed the threshold.
    TooManyAttempts { just_now: bool },
}

/// A browser session, created by a successful login and named by the `auth0` cookie.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// The signed-in user.
    pub user_id: String,
    /// When the user last authenticated (for `max_age` / `auth_time`).
    pub auth_time: i64,
    /// The user passed a second factor in this session: later logins in it are not
    /// challenged again.
    pub mfa: bool,
}

/// What an authorization code stands for until it is exchanged.
#[derive(Debug, Clone)]
pub(crate) struct IssuedCode {
    /// The login result.
    pub grant: Grant,
    /// `redirect_uri` sent to `/authorize` (must be repeated at the token endpoint).
    pub redirect_uri: Option<String>,
    /// PKCE challenge.
    pub code_challenge: Option<CodeChallenge>,
}

/// A browser login waiting for the user somewhere else: the request to answer once it goes
/// on, and what it waits for.
#[derive(Debug, Clone)]
pub(crate) struct SuspendedLogin {
    /// The `/authorize` request the login answers.
    pub request: AuthorizeRequest,
    /// What the login waits for.
    pub waiting: Waiting,
}

/// Why a browser login waits.
#[derive(Debug, Clone)]
pub(crate) enum Waiting {
    /// A redirect Action sent the user away; `/continue` resumes the pipeline.
    Redirect(Box<PausedLogin>),
    /// The grant is settled but needs a second factor (the MFA screens).
    Mfa(Box<MfaWait>),
}

impl SuspendedLogin {
    /// Roughly the bytes it holds (its request and its event), for the store's byte budget.
    fn approx_bytes(&self) -> usize {
        let held = match &self.waiting {
            Waiting::Redirect(p) => serde_json::to_vec(&p.event).map_or(0, |v| v.len()),
            Waiting::Mfa(_) => std::mem::size_of::<MfaWait>() + 1024,
        };
        self.request.approx_bytes() + held
    }
}

/// A browser remembered after a second factor: whose, the user's forget count when it was
/// remembered, and when it last came back (Auth0 forgets one unused for 7 days).
#[derive(Debug, Clone)]
struct RememberedBrowser {
    user_id: String,
    epoch: u64,
    last_seen: i64,
}

/// How long a remembered browser may stay away before it is forgotten: 7 days, as Auth0.
pub(crate) const MFA_BROWSER_IDLE_SECS: i64 = 7 * 24 * 3600;

/// An opaque access token (issued when no audience is requested), usable at `/userinfo` only.
#[derive(Debug, Clone)]
pub(crate) struct OpaqueToken {
    /// Owner.
    pub user_id: String,
    /// Granted scopes.
    pub scope: Vec<String>,
}

struct State {
    users: Users,
    sessions: Expiring<String, Session>,
    parked: Expiring<String, AuthorizeRequest>,
    suspended: Expiring<String, SuspendedLogin>,
    mfa_tickets: Expiring<String, MfaTicket>,
    codes: Expiring<String, IssuedCode>,
    refresh: RefreshTokens,
    opaque: Expiring<String, OpaqueToken>,
    tickets: Expiring<String, Ticket>,
    otps: Expiring<String, Otp>,
    /// Consecutive failed password logins per `user\nip`.
    failures: Expiring<String, u32>,
    login_tickets: Expiring<String, LoginTicket>,
    jobs: Expiring<String, Job>,
    session_links: Expiring<String, SessionLink>,
    /// Organization invitations by id (`uinv_…`).
    invitations: Expiring<String, Invitation>,
    /// Each user's second-factor limits.
    factor_limits: FactorLimits,
    /// Browsers that passed a second factor and chose to be remembered (`auth0-mf`), by
    /// cookie value.
    mfa_browsers: Expiring<String, RememberedBrowser>,
    /// The next invitation's `seq`.
    invitation_seq: u64,
}

impl State {
    fn new(users: Vec<User>, default_connection: String) -> Self {
        Self {
            users: Users::new(users, default_connection),
            sessions: Expiring::new("sessions", SESSIONS_CAP),
            parked: Expiring::new("parked logins", PARKED_CAP).with_budget(PARKED_BYTES),
            suspended: Expiring::new("logins at a redirect Action", PARKED_CAP)
                .with_budget(PARKED_BYTES),
            mfa_tickets: Expiring::new("mfa tokens", CODES_CAP),
            codes: Expiring::new("authorization codes", CODES_CAP),
            refresh: RefreshTokens::new(REFRESH_CAP),
            opaque: Expiring::new("opaque access tokens", OPAQUE_CAP),
            tickets: Expiring::new("tickets", TICKETS_CAP),
            otps: Expiring::new("passwordless codes", OTP_CAP),
            failures: Expiring::new("failed-login counts", FAILURES_CAP),
            login_tickets: Expiring::new("cross-origin login tickets", LOGIN_TICKETS_CAP),
            jobs: Expiring::new("jobs", JOBS_CAP),
            session_links: Expiring::new("sign-in links", SESSION_LINKS_CAP),
            invitations: Expiring::new("organization invitations", INVITATIONS_CAP),
            invitation_seq: 0,
            factor_limits: FactorLimits::default(),
            mfa_browsers: Expiring::new("remembered MFA browsers", SESSIONS_CAP),
        }
    }
}

/// How many entries of each kind are held, for the control API and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StoreCounts {
    /// Users.
    pub users: usize,
    /// Browser sessions.
    pub sessions: usize,
    /// Logins parked at the login page.
    pub parked_logins: usize,
    /// Bytes the parked logins are counted for (bounded by [`PARKED_BYTES`]).
    pub parked_bytes: usize,
    /// Logins waiting for the browser to come back from a redirect Action.
    pub suspended_logins: usize,
    /// Authorization codes.
    pub codes: usize,
    /// Refresh tokens.
    pub refresh_tokens: usize,
    /// Opaque access tokens.
    pub opaque_tokens: usize,
    /// Email tickets (verification and reset links), used ones until they expire.
    pub tickets: usize,
    /// Passwordless codes not yet used.
    pub passwordless_codes: usize,
    /// Entries of any kind dropped to stay within a cap since the last reset.
    pub evicted: u64,
}

/// The runtime store.
pub(crate) struct Store {
    state: Mutex<State>,
}

impl Store {
    /// A store holding the tenant's users and nothing else; users naming no connection belong
    /// to `default_connection`.
    pub(crate) fn new(users: Vec<User>, default_connection: String) -> Self {
        Self {
            state: Mutex::new(State::new(users, default_connection)),
        }
    }

    /// Back to `users` and nothing else (a reset).
    pub(crate) fn reset(&self, users: Vec<User>, default_connection: String) {
        *self.state.lock() = State::new(users, default_connection);
    }

    /// Entries held per kind.
    pub(crate) fn counts(&self) -> StoreCounts {
        let s = self.state.lock();
        StoreCounts {
            users: s.users.all().len(),
            sessions: s.sessions.len(),
            parked_logins: s.parked.len(),
            parked_bytes: s.parked.weight(),
            suspended_logins: s.suspended.len(),
            codes: s.codes.len(),
            refresh_tokens: s.refresh.len(),
            opaque_tokens: s.opaque.len(),
            tickets: s.tickets.len(),
            passwordless_codes: s.otps.len(),
            evicted: s.sessions.evicted()
                + s.tickets.evicted()
                + s.otps.evicted()
                + s.failures.evicted()
                + s.login_tickets.evicted()
                + s.jobs.evicted()
                + s.session_links.evicted()
                + s.invitations.evicted()
                + s.parked.evicted()
                + s.suspended.evicted()
                + s.mfa_tickets.evicted()
                + s.codes.evicted()
                + s.refresh.evicted()
                + s.opaque.evicted(),
        }
    }

    // ---------------------------------------------------------------- users

    /// A user by id.
    pub(crate) fn user(&self, user_id: &str) -> Option<User> {
        self.state.lock().users.get(user_id).cloned()
    }

    /// A user by id, email or username (the first, when connections share an email).
    pub(crate) fn find_user(&self, login: &str) -> Option<User> {
        self.state.lock().users.find(login).cloned()
    }

    /// A user of one connection by email or username.
    pub(crate) fn find_user_in(&self, login: &str, connection: &str) -> Option<User> {
        self.state.lock().users.find_in(login, connection).cloned()
    }

    /// Every user, in creation order.
    pub(crate) fn users(&self) -> Vec<User> {
        self.state.lock().users.all().to_vec()
    }

    /// The users `keep` picks, in creation order.
    pub(crate) fn users_where(&self, keep: impl Fn(&User) -> bool) -> Vec<User> {
        let s = self.state.lock();
        s.users.all().iter().filter(|u| keep(u)).cloned().collect()
    }

    /// A password login from `ip`, with brute-force protection where `protected` says the
    /// user's connection has it: ten consecutive failures from one IP block the account for
    /// that IP until a password reset, a reset of the mock or 30 days. A success clears the
    /// count.
    pub(crate) fn attempt_password(
        &self,
        login: &str,
        password: &str,
        realm: Option<&str>,
        ip: &str,
        protected: impl Fn(&User) -> bool,
        now: i64,
    ) -> Result<User, PasswordRefusal> {
        let mut s = self.state.lock();
        let Some(holder) = s.users.password_holder(login, realm).cloned() else {
            return Err(PasswordRefusal::Wrong);
        };
        let guarded = protected(&holder);
        let key = format!("{}\n{ip}", holder.user_id);
        let failed = s.failures.get(&key, now).copied().unwrap_or(0);
        if guarded && failed >= BRUTE_FORCE_THRESHOLD {
            return Err(PasswordRefusal::TooManyAttempts { just_now: false });
        }
        // The holder is nearly always the one whose password it is: one walk on the hot path.
        let matched = if holder.has_password(password) {
            Some(holder)
        } else {
            s.users.with_password(login, password, realm).cloned()
        };
        if let Some(user) = matched {
            s.failures.remove(&key);
            return Ok(user);
        }
        let failed = failed.saturating_add(1);
        s.failures
            .insert(key, failed, now.saturating_add(BRUTE_FORCE_SECS), now);
        if guarded && failed >= BRUTE_FORCE_THRESHOLD {
            return Err(PasswordRefusal::TooManyAttempts { just_now: true });
        }
        Err(PasswordRefusal::Wrong)
    }

    /// Starts a login for `user_id`: refuses unknown and blocked users, counts the login when
    /// `counts`, and returns the user with their `logins_count`.
    pub(crate) fn begin_login(
        &self,
        user_id: &str,
        counts: bool,
        now: i64,
    ) -> Result<(User, u64), LoginRefusal> {
        self.state.lock().users.begin_login(user_id, counts, now)
    }

    /// A user with their logins so far (the Management API's `logins_count`, `last_login`).
    pub(crate) fn user_with_logins(&self, user_id: &str) -> Option<(User, Logins)> {
        let s = self.state.lock();
        s.users
            .get(user_id)
            .map(|u| (u.clone(), s.users.logins(user_id)))
    }

    /// The users `keep` picks, with their logins, in creation order.
    pub(crate) fn users_with_logins(&self, keep: impl Fn(&User) -> bool) -> Vec<(User, Logins)> {
        let s = self.state.lock();
        s.users
            .all()
            .iter()
            .filter(|u| keep(u))
            .map(|u| (u.clone(), s.users.logins(&u.user_id)))
            .collect()
    }

    /// How many users logged in at or after `since` (`stats/active-users`).
    pub(crate) fn active_users_since(&self, since: i64) -> usize {
        self.state.lock().users.active_since(since)
    }

    /// Changes a user's roles and direct permissions; see [`Users::change_access`].
    pub(crate) fn change_user_access(
        &self,
        user_id: &str,
        role_exists: impl Fn(&str) -> bool,
        change: impl FnOnce(&mut Vec<String>, &mut Vec<Permission>),
    ) -> Result<User, UserError> {
        self.state
            .lock()
            .users
            .change_access(user_id, role_exists, change)
    }

    /// A role renamed or deleted: users holding it follow.
    pub(crate) fn rename_role(&self, old: &str, new: Option<&str>) {
        self.state.lock().users.rename_role(old, new);
    }

    // ---------------------------------------------------------------- jobs

    /// Keeps a finished job for Auth0's 24 hours; its id.
    pub(crate) fn add_job(&self, job: Job, now: i64) -> String {
        let id = job.id.clone();
        self.state
            .lock()
            .jobs
            .insert(id.clone(), job, now + JOB_LIFETIME, now);
        id
    }

    /// A job by id, while it is kept.
    pub(crate) fn job(&self, id: &str, now: i64) -> Option<Job> {
        self.state.lock().jobs.get(id, now).cloned()
    }

    /// Why `user_id` may not log in now, if anything.
    pub(crate) fn login_refusal(&self, user_id: &str) -> Option<LoginRefusal> {
        match self.state.lock().users.get(user_id) {
            None => Some(LoginRefusal::Unknown),
            Some(u) if u.blocked => Some(LoginRefusal::Blocked),
            Some(_) => None,
        }
    }

    /// Keeps metadata changes made by hooks (`null` deletes); returns the user as now stored.
    pub(crate) fn apply_metadata(
        &self,
        user_id: &str,
        app: &Map<String, Value>,
        user_meta: &Map<String, Value>,
        now: i64,
    ) -> Option<User> {
        let stamp = crate::clock::rfc3339(now);
        self.state
            .lock()
            .users
            .apply_metadata(user_id, app, user_meta, &stamp)
    }

    /// Creates a user (Management API `POST /users`).
    pub(crate) fn create_user(
        &self,
        user: User,
        role_exists: impl Fn(&str) -> bool,
        now: i64,
    ) -> Result<User, UserError> {
        self.state.lock().users.create(user, role_exists, now)
    }

    /// Adds a user or replaces the one with the same id (the Rust handle).
    pub(crate) fn upsert_user(
        &self,
        user: User,
        role_exists: impl Fn(&str) -> bool,
        now: i64,
    ) -> Result<User, UserError> {
        self.state.lock().users.upsert(user, role_exists, now)
    }

    /// Changes a user (Management API `PATCH /users/{id}`).
    pub(crate) fn update_user(
        &self,
        user_id: &str,
        patch: &Map<String, Value>,
        role_exists: impl Fn(&str) -> bool,
        now: i64,
    ) -> Result<User, UserError> {
        let stamp = crate::clock::rfc3339(now);
        self.state
            .lock()
            .users
            .update(user_id, patch, role_exists, &stamp)
    }

    /// Sets a user's password (a reset or change), stamping `last_password_reset`, and ends
    /// their browser sessions, as Auth0 does ("resetting a user's password makes their session
    /// expire"). Refresh tokens stay valid, as in Auth0: apps revoke them in a
    /// post-change-password Action. The user as now stored.
    pub(crate) fn set_password(
        &self,
        user_id: &str,
        password: &str,
        mark_email_verified: bool,
        now: i64,
    ) -> Result<User, UserError> {
        let stamp = crate::clock::rfc3339(now);
        let mut s = self.state.lock();
        let user = s
            .users
            .set_password(user_id, password, mark_email_verified, &stamp)?;
        s.sessions.remove_where(|x| x.user_id == user_id);
        retire_reset_tickets(&mut s.tickets, user_id);
        // A changed password lifts brute-force blocks, as Auth0's reset does.
        let prefix = format!("{user_id}\n");
        s.failures.remove_where_key(|k| k.starts_with(&prefix));
        Ok(user)
    }

    /// Marks a user's email as verified; the user as now stored.
    pub(crate) fn verify_email(&self, user_id: &str, now: i64) -> Result<User, UserError> {
        let stamp = crate::clock::rfc3339(now);
        self.state.lock().users.verify_email(user_id, &stamp)
    }

    /// Keeps an invitation until it expires or is accepted or deleted.
    pub(crate) fn add_invitation(&self, mut invitation: Invitation, now: i64) {
        let expires_at = invitation.expires_at;
        let mut s = self.state.lock();
        s.invitation_seq += 1;
        invitation.seq = s.invitation_seq;
        s.invitations
            .insert(invitation.id.clone(), invitation, expires_at, now);
    }

    /// The organization's invitations that can still be accepted, oldest first.
    pub(crate) fn invitations(&self, organization_id: &str, now: i64) -> Vec<Invitation> {
        let mut s = self.state.lock();
        let mut all: Vec<Invitation> = s
            .invitations
            .values_mut()
            .filter(|i| i.organization_id == organization_id && i.expires_at > now)
            .map(|i| i.clone())
            .collect();
        all.sort_by_key(|i| (i.created_at, i.seq));
        all
    }

    /// Deletes the organization's invitation `id`; whether there was one.
    pub(crate) fn delete_invitation(&self, organization_id: &str, id: &str) -> bool {
        let mut s = self.state.lock();
        let ours = s
            .invitations
            .get_any(id)
            .is_some_and(|i| i.organization_id == organization_id);
        ours && s.invitations.remove(id).is_some()
    }

    /// The unexpired invitation whose link carries `ticket_id`.
    pub(crate) fn invitation_by_ticket(&self, ticket_id: &str, now: i64) -> Option<Invitation> {
        let mut s = self.state.lock();
        s.invitations
            .values_mut()
            .find(|i| i.ticket_id == ticket_id && i.expires_at > now)
            .map(|i| i.clone())
    }

    /// Removes and returns the unexpired invitation of `ticket_id`: it is accepted (or spent
    /// by the wrong account) once.
    pub(crate) fn take_invitation(&self, ticket_id: &str, now: i64) -> Option<Invitation> {
        let mut s = self.state.lock();
        let id = s
            .invitations
            .values_mut()
            .find(|i| i.ticket_id == ticket_id && i.expires_at > now)
            .map(|i| i.id.clone())?;
        s.invitations.remove(&id)
    }

    /// Deletes a user with everything that would let them in: sessions, codes, refresh and
    /// opaque tokens. Whether there was such a user.
    pub(crate) fn delete_user(&self, user_id: &str) -> bool {
        let mut s = self.state.lock();
        s.tickets.remove_where(|t| t.user_id == user_id);
        s.sessions.remove_where(|x| x.user_id == user_id);
        s.codes.remove_where(|c| c.grant.user.user_id == user_id);
        s.opaque.remove_where(|o| o.user_id == user_id);
        s.refresh.revoke_user(user_id);
        s.factor_limits.drop_user(user_id);
        s.users.delete(user_id)
    }

    // ---------------------------------------------------------------- sessions

    /// Starts a session for `user_id` lasting `lifetime` seconds; returns its id.
    pub(crate) fn start_session(&self, user_id: &str, now: i64, lifetime: i64) -> String {
        let sid = random_id(24);
        let session = Session {
            user_id: user_id.to_string(),
            auth_time: now,
            mfa: false,
        };
        self.state
            .lock()
            .sessions
            .insert(sid.clone(), session, now + lifetime, now);
        sid
    }

    /// The live session `sid`, if its user may still log in.
    pub(crate) fn session(&self, sid: &str, now: i64) -> Option<Session> {
        let s = self.state.lock();
        let session = s.sessions.get(sid, now)?;
        let user = s.users.get(&session.user_id)?;
        (!user.blocked).then(|| session.clone())
    }

    /// Ends session `sid`.
    pub(crate) fn end_session(&self, sid: &str) {
        self.state.lock().sessions.remove(sid);
    }

    // ---------------------------------------------------------------- parked logins

    /// Parks a validated `/authorize` request under its transaction id while the user is at
    /// the login page.
    pub(crate) fn park_login(&self, request: AuthorizeRequest, now: i64, lifetime: i64) {
        let txid = request.transaction_id.clone();
        let weight = request.approx_bytes();
        self.state
            .lock()
            .parked
            .insert_weighed(txid, request, weight, now + lifetime, now);
    }

    /// The parked request `txid`, left parked (the login page shows it again on a retry).
    pub(crate) fn parked_login(&self, txid: &str, now: i64) -> Option<AuthorizeRequest> {
        self.state.lock().parked.get(txid, now).cloned()
    }

    /// Takes the parked request `txid` to finish it.
    pub(crate) fn take_parked_login(&self, txid: &str, now: i64) -> Option<AuthorizeRequest> {
        self.state.lock().parked.take(txid, now)
    }

    // ---------------------------------------------------------------- suspended logins

    /// Holds a login a redirect Action paused, under the `state` the browser was sent away
    /// with, until it comes back to `/continue`.
    pub(crate) fn suspend_login(
        &self,
        state: String,
        login: SuspendedLogin,
        now: i64,
        lifetime: i64,
    ) {
        let weight = login.approx_bytes();
        self.state
            .lock()
            .suspended
            .insert_weighed(state, login, weight, now + lifetime, now);
    }

    /// The login waiting under `state`, left in place (an MFA screen shown again after a wrong
    /// code).
    pub(crate) fn suspended_login(&self, state: &str, now: i64) -> Option<SuspendedLogin> {
        self.state.lock().suspended.get(state, now).cloned()
    }

    /// Takes the login waiting under `state`: a `state` serves once.
    pub(crate) fn take_suspended_login(&self, state: &str, now: i64) -> Option<SuspendedLogin> {
        self.state.lock().suspended.take(state, now)
    }

    // ---------------------------------------------------------------- second factors

    /// Issues an `mfa_token` for a login that waits for its second factor. The token ends in
    /// its expiry time, so it reads as expired (not unknown) even once the map has let it go.
    pub(crate) fn issue_mfa_token(&self, ticket: MfaTicket, now: i64, lifetime: i64) -> String {
        let token = format!("{}.{}", random_id(32), now + lifetime);
        self.state
            .lock()
            .mfa_tickets
            .insert(token.clone(), ticket, now + lifetime, now);
        token
    }

    /// The login an `mfa_token` stands for, left in place (a wrong code may be retried).
    pub(crate) fn mfa_ticket(&self, token: &str, now: i64) -> Option<MfaTicket> {
        self.state.lock().mfa_tickets.get(token, now).cloned()
    }

    /// Whether `token` is an `mfa_token` past its lifetime (rather than one never issued or
    /// already spent), read from the expiry it ends in.
    pub(crate) fn mfa_token_expired(&self, token: &str, now: i64) -> bool {
        token
            .rsplit_once('.')
            .and_then(|(_, exp)| exp.parse::<i64>().ok())
            .is_some_and(|exp| exp <= now)
            && self.state.lock().mfa_tickets.get(token, now).is_none()
    }

    /// Keeps the out-of-band challenge sent for the `mfa_token` (replacing an earlier one, as
    /// a new code voids the last).
    pub(crate) fn set_mfa_oob(
        &self,
        token: &str,
        challenge: crate::mfa::OobChallenge,
        now: i64,
    ) -> bool {
        match self.state.lock().mfa_tickets.get_mut(token, now) {
            Some(t) => {
                t.oob = Some(challenge);
                true
            }
            None => false,
        }
    }

    /// Reserves one of `user_id`'s second-factor checks (see [`FactorLimits`]); false when
    /// the bucket is empty.
    pub(crate) fn take_mfa_attempt(&self, user_id: &str, now: i64) -> bool {
        self.state.lock().factor_limits.take_attempt(user_id, now)
    }

    /// Gives back a reserved check that was not a wrong code.
    pub(crate) fn give_back_mfa_attempt(&self, user_id: &str, now: i64) {
        self.state
            .lock()
            .factor_limits
            .give_back_attempt(user_id, now);
    }

    /// Whether `code` is a TOTP of `secret` at `now` that `user_id` has not used yet; a
    /// passing code is spent at once, so a replayed one fails as Auth0's do.
    pub(crate) fn use_totp(&self, user_id: &str, secret: &str, code: &str, now: i64) -> bool {
        self.state
            .lock()
            .factor_limits
            .use_totp(user_id, secret, code, now)
    }

    /// Takes one of the codes `user_id` may have sent again at `now`; false once they are
    /// used up (10, one back every hour, as Auth0 limits SMS sends).
    pub(crate) fn take_mfa_resend(&self, user_id: &str, now: i64) -> bool {
        self.state.lock().factor_limits.take_resend(user_id, now)
    }

    /// Replaces the out-of-band code of the browser login waiting at MFA under `state` (a
    /// code sent again voids the last); false when no such login waits.
    pub(crate) fn set_mfa_wait_oob(
        &self,
        state: &str,
        challenge: crate::mfa::OobChallenge,
        now: i64,
    ) -> bool {
        match self.state.lock().suspended.get_mut(state, now) {
            Some(SuspendedLogin {
                waiting: Waiting::Mfa(wait),
                ..
            }) => {
                wait.oob = Some(challenge);
                true
            }
            _ => false,
        }
    }

    /// Keeps what `/mfa/associate` offered with the `mfa_token`: the new factor, and the
    /// challenge sent to it (none for a TOTP), replacing both of any earlier association.
    pub(crate) fn set_mfa_association(
        &self,
        token: &str,
        pending: crate::tenant::MfaFactors,
        oob: Option<crate::mfa::OobChallenge>,
        now: i64,
    ) -> bool {
        match self.state.lock().mfa_tickets.get_mut(token, now) {
            Some(t) => {
                t.pending = Some(pending);
                t.oob = oob;
                true
            }
            None => false,
        }
    }

    /// Spends an `mfa_token`: it serves one successful challenge.
    pub(crate) fn take_mfa_ticket(&self, token: &str, now: i64) -> Option<MfaTicket> {
        self.state.lock().mfa_tickets.take(token, now)
    }

    /// Changes a user's second factors; the factors as now stored.
    pub(crate) fn change_mfa(
        &self,
        user_id: &str,
        change: impl FnOnce(&mut crate::tenant::MfaFactors),
    ) -> Result<crate::tenant::MfaFactors, UserError> {
        self.state.lock().users.change_mfa(user_id, change)
    }

    /// Remembers a browser that passed a second factor for `user_id`, for `lifetime` seconds:
    /// the value of its `auth0-mf` cookie.
    pub(crate) fn remember_mfa_browser(&self, user_id: &str, now: i64, lifetime: i64) -> String {
        let id = random_id(24);
        let mut s = self.state.lock();
        let epoch = s.factor_limits.forgotten(user_id);
        let browser = RememberedBrowser {
            user_id: user_id.to_string(),
            epoch,
            last_seen: now,
        };
        s.mfa_browsers
            .insert(id.clone(), browser, now + lifetime, now);
        id
    }

    /// Whether the browser whose `auth0-mf` cookie is `id` is remembered for `user_id` at
    /// `now` (not forgotten, not away for [`MFA_BROWSER_IDLE_SECS`]); a remembered browser's
    /// visit counts as use.
    pub(crate) fn mfa_browser_remembered(&self, id: &str, user_id: &str, now: i64) -> bool {
        let mut s = self.state.lock();
        let epoch = s.factor_limits.forgotten(user_id);
        match s.mfa_browsers.get_mut(id, now) {
            Some(b)
                if b.user_id == user_id
                    && b.epoch == epoch
                    && now - b.last_seen <= MFA_BROWSER_IDLE_SECS =>
            {
                b.last_seen = now;
                true
            }
            _ => false,
        }
    }

    /// Forgets every browser remembered for `user_id` (the Management API's
    /// `invalidate-remember-browser`).
    pub(crate) fn forget_mfa_browsers(&self, user_id: &str) {
        self.state.lock().factor_limits.forget(user_id);
    }

    /// Records that session `sid` passed a second factor.
    pub(crate) fn mark_session_mfa(&self, sid: &str, now: i64) {
        if let Some(s) = self.state.lock().sessions.get_mut(sid, now) {
            s.mfa = true;
        }
    }

    // ---------------------------------------------------------------- codes

    /// Issues a single-use authorization code valid for `lifetime` seconds.
    pub(crate) fn issue_code(&self, code: IssuedCode, now: i64, lifetime: i64) -> String {
        let value = random_id(24);
        self.state
            .lock()
            .codes
            .insert(value.clone(), code, now + lifetime, now);
        value
    }

    /// Takes a live code: it can be exchanged once.
    pub(crate) fn take_code(&self, code: &str, now: i64) -> Option<IssuedCode> {
        self.state.lock().codes.take(code, now)
    }

    // ---------------------------------------------------------------- refresh tokens

    /// Issues a refresh token valid until `expires_at`: the first of a new family, or the next
    /// of `family` after a rotation (refused if that family was revoked meanwhile).
    pub(crate) fn issue_refresh(
        &self,
        grant: &RefreshGrant,
        family: Option<u64>,
        expires_at: i64,
        now: i64,
    ) -> Result<String, FamilyGone> {
        let token = format!("v1.{}", random_id(48));
        self.state
            .lock()
            .refresh
            .issue(&token, grant, family, expires_at, now)?;
        Ok(token)
    }

    /// Accepts a refresh token for an exchange (spending it when the client rotates).
    pub(crate) fn exchange_refresh(
        &self,
        token: &str,
        client_id: &str,
        rotation: RotationType,
        leeway: i64,
        now: i64,
    ) -> Result<Exchanged, RefreshRefusal> {
        self.state
            .lock()
            .refresh
            .exchange(token, client_id, rotation, leeway, now)
    }

    /// Revokes a refresh token's family (`/oauth/revoke`).
    pub(crate) fn revoke_refresh(&self, token: &str, client_id: &str) -> Result<(), RevokeRefusal> {
        self.state.lock().refresh.revoke(token, client_id)
    }

    // ---------------------------------------------------------------- tickets

    /// Issues a ticket valid for `lifetime` seconds. A new reset ticket replaces the user's
    /// older ones: only the newest reset link works, as in Auth0.
    pub(crate) fn issue_ticket(&self, ticket: Ticket, now: i64, lifetime: i64) -> String {
        let id = random_id(32);
        let mut s = self.state.lock();
        if ticket.purpose == TicketPurpose::ResetPassword {
            retire_reset_tickets(&mut s.tickets, &ticket.user_id);
        }
        s.tickets
            .insert(id.clone(), ticket, now.saturating_add(lifetime), now);
        id
    }

    /// The ticket `id` for `purpose` if it can still be used (left unused: the reset page shows
    /// its form before the new password arrives).
    pub(crate) fn ticket(
        &self,
        id: &str,
        purpose: TicketPurpose,
        now: i64,
    ) -> Result<Ticket, TicketRefusal> {
        let s = self.state.lock();
        match s.tickets.get(id, now) {
            Some(t) if t.purpose != purpose => Err(TicketRefusal::Unknown),
            Some(t) if t.used => Err(TicketRefusal::Used),
            Some(t) => Ok(t.clone()),
            None if s.tickets.get_any(id).is_some() => Err(TicketRefusal::Expired),
            None => Err(TicketRefusal::Unknown),
        }
    }

    /// Uses the ticket `id` for `purpose`: it works once.
    pub(crate) fn use_ticket(
        &self,
        id: &str,
        purpose: TicketPurpose,
        now: i64,
    ) -> Result<Ticket, TicketRefusal> {
        let mut s = self.state.lock();
        let expired = s.tickets.get(id, now).is_none() && s.tickets.get_any(id).is_some();
        match s.tickets.get_mut(id, now) {
            Some(t) if t.purpose != purpose => Err(TicketRefusal::Unknown),
            Some(t) if t.used => Err(TicketRefusal::Used),
            Some(t) => {
                t.used = true;
                Ok(t.clone())
            }
            None if expired => Err(TicketRefusal::Expired),
            None => Err(TicketRefusal::Unknown),
        }
    }

    // ---------------------------------------------------------------- passwordless codes

    /// Keeps a new code for `key` (see [`otp_key`]) valid for `lifetime` seconds; it replaces
    /// the recipient's older code, which stops working.
    pub(crate) fn issue_otp(&self, key: String, otp: Otp, now: i64, lifetime: i64) {
        self.state
            .lock()
            .otps
            .insert(key, otp, now.saturating_add(lifetime), now);
    }

    /// Uses the code for `key`: the right one works once; a wrong one counts against the code's
    /// tries and the last wrong try voids it.
    pub(crate) fn use_otp(&self, key: &str, code: &str, now: i64) -> Result<Otp, OtpRefusal> {
        let mut s = self.state.lock();
        if s.otps.get(key, now).is_none() {
            return Err(if s.otps.get_any(key).is_some() {
                OtpRefusal::Expired
            } else {
                OtpRefusal::Wrong
            });
        }
        let Some(otp) = s.otps.get_mut(key, now) else {
            return Err(OtpRefusal::Wrong);
        };
        if otp.attempts_left == 0 {
            return Err(OtpRefusal::Exhausted);
        }
        if !crate::util::constant_time_eq(&otp.code, code.trim()) {
            otp.attempts_left -= 1;
            return Err(if otp.attempts_left == 0 {
                OtpRefusal::Exhausted
            } else {
                OtpRefusal::Wrong
            });
        }
        s.otps.take(key, now).ok_or(OtpRefusal::Wrong)
    }

    // ---------------------------------------------------------------- login tickets

    /// Issues a single-use cross-origin login ticket.
    pub(crate) fn issue_login_ticket(&self, ticket: LoginTicket, now: i64) -> String {
        let id = random_id(24);
        self.state
            .lock()
            .login_tickets
            .insert(id.clone(), ticket, now + LOGIN_TICKET_SECS, now);
        id
    }

    /// Issues a one-time link that puts its visitor's browser into session `link.sid`.
    pub(crate) fn issue_session_link(&self, link: SessionLink, now: i64, lifetime: i64) -> String {
        let id = random_id(24);
        self.state
            .lock()
            .session_links
            .insert(id.clone(), link, now + lifetime, now);
        id
    }

    /// Takes a live sign-in link: it works once.
    pub(crate) fn take_session_link(&self, id: &str, now: i64) -> Option<SessionLink> {
        self.state.lock().session_links.take(id, now)
    }

    /// Takes a live login ticket: it works once.
    pub(crate) fn take_login_ticket(&self, id: &str, now: i64) -> Option<LoginTicket> {
        self.state.lock().login_tickets.take(id, now)
    }

    // ---------------------------------------------------------------- opaque tokens

    /// Issues an opaque access token valid for `lifetime` seconds.
    pub(crate) fn issue_opaque(&self, token: OpaqueToken, now: i64, lifetime: i64) -> String {
        let value = format!("mock-opaque.{}", random_id(32));
        self.state
            .lock()
            .opaque
            .insert(value.clone(), token, now + lifetime, now);
        value
    }

    /// A live opaque token, or [`Expired`] when it exists but expired (Auth0 says so).
    pub(crate) fn opaque(&self, token: &str, now: i64) -> Option<Result<OpaqueToken, Expired>> {
        let s = self.state.lock();
        match s.opaque.get(token, now) {
            Some(t) => Some(Ok(t.clone())),
            None if s.opaque.get_any(token).is_some() => Some(Err(Expired)),
            None => None,
        }
    }
}

/// Marks a user's reset links used: a newer link or a changed password voids them.
fn retire_reset_tickets(tickets: &mut Expiring<String, Ticket>, user_id: &str) {
    for t in tickets.values_mut() {
        if t.user_id == user_id && t.purpose == TicketPurpose::ResetPassword {
            t.used = true;
        }
    }
}

/// A token that exists but is past its expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Expired;
