//! A user's second factors through the Management API, as an admin (or a test's setup) resets
//! them: `/api/v2/users/{id}/authentication-methods`, `…/authenticators`, `…/enrollments`,
//! `…/recovery-code-regeneration`, `…/multifactor/{provider}`,
//! `…/multifactor/actions/invalidate-remember-browser` and `/api/v2/guardian/enrollments/{id}`.
//!
//! The mock keeps at most one factor of each kind per user (the `mfa` of `users.json`), so each
//! has a stable id derived from the kind and the user. Phone numbers and email addresses come
//! back masked, as Auth0's do.

use super::paging::{Paging, query};
use crate::error::{ManagementError, OAuthError};
use crate::http::extract::{AppState, ManagementJson, ManagementPath, Query};
use crate::mfa::{self, Authenticator};
use crate::mock::Mock;
use crate::protocol::OobChannel;
use crate::tenant::{MfaFactors, User};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::{Value, json};

/// The routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v2/users/{id}/authentication-methods",
            get(methods).post(create_method).delete(remove_methods),
        )
        .route(
            "/api/v2/users/{id}/authentication-methods/{method_id}",
            get(method).delete(remove_method),
        )
        .route(
            "/api/v2/users/{id}/authenticators",
            delete(remove_authenticators),
        )
        .route("/api/v2/users/{id}/enrollments", get(enrollments))
        .route(
            "/api/v2/users/{id}/recovery-code-regeneration",
            post(regenerate_recovery_code),
        )
        .route(
            "/api/v2/users/{id}/multifactor/{provider}",
            delete(remove_provider),
        )
        .route(
            "/api/v2/users/{id}/multifactor/actions/invalidate-remember-browser",
            post(forget_browsers),
        )
        .route(
            "/api/v2/guardian/enrollments/{id}",
            get(enrollment).delete(remove_enrollment),
        )
}

/// One factor of a user, as the Management API lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Factor {
    Totp,
    Phone,
    Email,
    RecoveryCode,
}

impl Factor {
    const ALL: [Factor; 4] = [
        Factor::Totp,
        Factor::Phone,
        Factor::Email,
        Factor::RecoveryCode,
    ];

    fn present(self, f: &MfaFactors) -> bool {
        match self {
            Self::Totp => f.totp_secret.is_some(),
            Self::Phone => f.phone_number.is_some(),
            Self::Email => f.email.is_some(),
            Self::RecoveryCode => f.recovery_code.is_some(),
        }
    }

    /// Sets it in `to` as `from` has it.
    fn copy(self, from: &MfaFactors, to: &mut MfaFactors) {
        match self {
            Self::Totp => to.totp_secret = from.totp_secret.clone(),
            Self::Phone => to.phone_number = from.phone_number.clone(),
            Self::Email => to.email = from.email.clone(),
            Self::RecoveryCode => to.recovery_code = from.recovery_code.clone(),
        }
    }

    /// Removes it; the recovery code goes with the last real factor, so it cannot pass a
    /// second factor the user no longer has.
    fn remove(self, f: &mut MfaFactors) {
        match self {
            Self::Totp => f.totp_secret = None,
            Self::Phone => f.phone_number = None,
            Self::Email => f.email = None,
            Self::RecoveryCode => f.recovery_code = None,
        }
        if !f.enrolled() {
            f.recovery_code = None;
        }
    }

    /// The MFA API's authenticator for it (a phone is its SMS channel).
    fn authenticator(self) -> Authenticator {
        match self {
            Self::Totp => Authenticator::Totp,
            Self::Phone => Authenticator::Oob(OobChannel::Sms),
            Self::Email => Authenticator::Oob(OobChannel::Email),
            Self::RecoveryCode => Authenticator::RecoveryCode,
        }
    }

    /// `type` of its authentication method.
    fn method_type(self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::RecoveryCode => "recovery-code",
        }
    }

    /// Its authentication-method id: the MFA API's authenticator id, except that a phone is
    /// `phone|dev_…` around its `sms|dev_…` channel, as Auth0 lists it.
    fn method_id(self, user_id: &str) -> String {
        let id = self.authenticator().id(user_id);
        match self {
            Self::Phone => id.replacen("sms|", "phone|", 1),
            _ => id,
        }
    }

    fn method(self, user: &User, f: &MfaFactors) -> Value {
        let mut m = json!({
            "id": self.method_id(&user.user_id),
            "type": self.method_type(),
            "confirmed": true,
            "created_at": user.created_at,
        });
        match self {
            Self::Phone => {
                m["phone_number"] = json!(mfa::masked_phone(
                    f.phone_number.as_deref().unwrap_or_default()
                ));
                m["preferred_authentication_method"] = json!("sms");
                m["authentication_methods"] =
                    json!([{ "id": self.authenticator().id(&user.user_id), "type": "sms" }]);
            }
            Self::Email => {
                m["email"] = json!(mfa::masked_email(f.email.as_deref().unwrap_or_default()));
            }
            Self::Totp | Self::RecoveryCode => {}
        }
        m
    }

    /// Its Guardian enrollment id (`dev_…`), for the factors Guardian enrols: the TOTP app
    /// and the SMS phone.
    fn enrollment_id(self, user_id: &str) -> Option<String> {
        let kind = match self {
            Self::Totp => "authenticator",
            Self::Phone => "sms",
            Self::Email | Self::RecoveryCode => return None,
        };
        let hash = crate::util::short_hash(&format!("{kind}|{user_id}"));
        Some(format!("dev_{}", &hash[..16.min(hash.len())]))
    }

    fn enrollment(self, user: &User, f: &MfaFactors) -> Option<Value> {
        let id = self.enrollment_id(&user.user_id)?;
        let mut e = json!({
            "id": id,
            "status": "confirmed",
            "enrolled_at": user.created_at,
        });
        if self == Self::Phone {
            let phone = mfa::masked_phone(f.phone_number.as_deref().unwrap_or_default());
            e["type"] = json!("sms");
            e["auth_method"] = json!("sms");
            e["name"] = json!(phone);
            e["phone_number"] = json!(phone);
        } else {
            e["type"] = json!("authenticator");
            e["auth_method"] = json!("authenticator");
        }
        Some(e)
    }
}

fn no_method() -> ManagementError {
    ManagementError::new(
        StatusCode::NOT_FOUND,
        "The authentication method could not be found.",
        "not_found",
    )
}

fn no_enrollment() -> ManagementError {
    ManagementError::new(
        StatusCode::NOT_FOUND,
        "Enrollment not found",
        "enrollment_not_found",
    )
}

/// The user and their factors.
fn user(mock: &Mock, id: &str) -> Result<(User, MfaFactors), ManagementError> {
    let user = mock.store().user(id).ok_or_else(ManagementError::no_user)?;
    let factors = user.mfa.clone().unwrap_or_default();
    Ok((user, factors))
}

fn change(
    mock: &Mock,
    id: &str,
    f: impl FnOnce(&mut MfaFactors),
) -> Result<MfaFactors, ManagementError> {
    mock.store()
        .change_mfa(id, f)
        .map_err(ManagementError::from)
}

/// `GET …/authentication-methods`: the user's factors (`page`/`per_page`/`include_totals`,
/// then `{start, limit, total, authenticators}`).
async fn methods(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    q: Result<Query, OAuthError>,
) -> Result<Json<Value>, ManagementError> {
    let paging = Paging::from_query(&query(q)?)?;
    let (user, factors) = user(&mock, &id)?;
    let list = Factor::ALL
        .into_iter()
        .filter(|k| k.present(&factors))
        .map(|k| k.method(&user, &factors))
        .collect();
    Ok(Json(paging.answer(list, "authenticators")))
}

/// The user, their factors, and the one whose method id is `method_id` (404 when none is).
fn named(
    mock: &Mock,
    user_id: &str,
    method_id: &str,
) -> Result<(User, MfaFactors, Factor), ManagementError> {
    let (user, factors) = user(mock, user_id)?;
    let k = Factor::ALL
        .into_iter()
        .find(|k| k.present(&factors) && k.method_id(user_id) == method_id)
        .ok_or_else(no_method)?;
    Ok((user, factors, k))
}

/// `POST …/authentication-methods`'s body: an admin enrols a factor for the user.
#[derive(Deserialize)]
struct NewMethod {
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
    totp_secret: Option<String>,
    phone_number: Option<String>,
    email: Option<String>,
    preferred_authentication_method: Option<String>,
}

fn bad_method(message: impl Into<String>) -> ManagementError {
    ManagementError::new(StatusCode::BAD_REQUEST, message, "invalid_body")
}

impl NewMethod {
    /// The factor it enrols and the change to the user's factors; refusals say why.
    fn factor(&self) -> Result<(Factor, MfaFactors), ManagementError> {
        let mut f = MfaFactors::default();
        let k = match self.kind.as_str() {
            "totp" => {
                let secret = self
                    .totp_secret
                    .as_deref()
                    .filter(|s| mfa::valid_secret(s))
                    .ok_or_else(|| bad_method("totp_secret must be a base32 secret (totp)"))?;
                f.totp_secret = Some(secret.to_string());
                Factor::Totp
            }
            "phone" => {
                let phone = self
                    .phone_number
                    .as_deref()
                    .filter(|p| crate::util::is_e164(p))
                    .ok_or_else(|| {
                        bad_method("phone_number must be in E.164 format (+ and 1 to 15 digits)")
                    })?;
                if self.preferred_authentication_method.as_deref() == Some("voice") {
                    return Err(bad_method(
                        "voice is not supported by auth0-mock (it has no offline stand-in): use sms",
                    ));
                }
                f.phone_number = Some(phone.to_string());
                Factor::Phone
            }
            "email" => {
                let email = self
                    .email
                    .as_deref()
                    .filter(|e| e.contains('@'))
                    .ok_or_else(|| bad_method("email must be an email address (email)"))?;
                f.email = Some(email.to_string());
                Factor::Email
            }
            other => {
                return Err(bad_method(format!(
                    "type '{other}' is not supported by auth0-mock: use totp, phone or email"
                )));
            }
        };
        Ok((k, f))
    }
}

/// `POST …/authentication-methods`: enrols a TOTP (with the caller's secret), a phone or an
/// email for the user, as a test's setup seeds a factor it can answer. The mock keeps one of
/// each kind, so a second is refused with 409.
async fn create_method(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
    ManagementJson(body): ManagementJson<NewMethod>,
) -> Result<(StatusCode, Json<Value>), ManagementError> {
    let (k, new) = body.factor()?;
    let (user, _) = user(&mock, &id)?;
    // Decided inside the change, so two concurrent creations cannot both pass.
    let mut taken = false;
    change(&mock, &id, |f| {
        taken = k.present(f);
        if !taken {
            k.copy(&new, f);
        }
    })?;
    if taken {
        return Err(ManagementError::new(
            StatusCode::CONFLICT,
            format!(
                "The user already has a {} authentication method (auth0-mock keeps one of each kind): delete it first",
                k.method_type()
            ),
            "conflict",
        ));
    }
    let mut created = json!({
        "id": k.method_id(&user.user_id),
        "type": k.method_type(),
        "created_at": crate::clock::rfc3339(mock.clock().now()),
    });
    if let Some(name) = &body.name {
        created["name"] = json!(name);
    }
    match k {
        Factor::Totp => created["totp_secret"] = json!(new.totp_secret),
        Factor::Phone => {
            created["phone_number"] = json!(new.phone_number);
            created["preferred_authentication_method"] = json!("sms");
            created["authentication_methods"] =
                json!([{ "id": k.authenticator().id(&user.user_id), "type": "sms" }]);
        }
        Factor::Email => created["email"] = json!(new.email),
        Factor::RecoveryCode => {}
    }
    Ok((StatusCode::CREATED, Json(created)))
}

/// `GET …/authentication-methods/{method_id}`.
async fn method(
    State(mock): State<AppState>,
    ManagementPath((id, method_id)): ManagementPath<(String, String)>,
) -> Result<Json<Value>, ManagementError> {
    let (user, factors, k) = named(&mock, &id, &method_id)?;
    Ok(Json(k.method(&user, &factors)))
}

/// `DELETE …/authentication-methods/{method_id}`: that factor goes.
async fn remove_method(
    State(mock): State<AppState>,
    ManagementPath((id, method_id)): ManagementPath<(String, String)>,
) -> Result<StatusCode, ManagementError> {
    let (_, _, k) = named(&mock, &id, &method_id)?;
    change(&mock, &id, |f| k.remove(f))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE …/authentication-methods` and `DELETE …/authenticators`: every factor goes, so
/// the next login that needs one enrols anew.
async fn remove_methods(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<StatusCode, ManagementError> {
    change(&mock, &id, |f| *f = MfaFactors::default())?;
    // A browser remembered for the old factors must not skip the new enrolment.
    mock.store().forget_mfa_browsers(&id);
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_authenticators(
    state: State<AppState>,
    path: ManagementPath,
) -> Result<StatusCode, ManagementError> {
    remove_methods(state, path).await
}

/// `GET …/enrollments`: the user's Guardian enrollments (the TOTP app, the SMS phone).
async fn enrollments(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<Json<Value>, ManagementError> {
    let (user, factors) = user(&mock, &id)?;
    let list: Vec<Value> = Factor::ALL
        .into_iter()
        .filter(|k| k.present(&factors))
        .filter_map(|k| k.enrollment(&user, &factors))
        .collect();
    Ok(Json(Value::Array(list)))
}

/// `POST …/recovery-code-regeneration`: a new recovery code replaces the old, for a user
/// with a factor.
async fn regenerate_recovery_code(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<Json<Value>, ManagementError> {
    let (_, factors) = user(&mock, &id)?;
    if !factors.enrolled() {
        return Err(ManagementError::new(
            StatusCode::NOT_FOUND,
            "Enrollment not found.",
            "enrollment_not_found",
        ));
    }
    let code = mfa::new_recovery_code();
    let kept = code.clone();
    change(&mock, &id, |f| f.recovery_code = Some(kept))?;
    Ok(Json(json!({ "recovery_code": code })))
}

/// `DELETE …/multifactor/{provider}`: `google-authenticator` removes the TOTP app; `duo`
/// has nothing here to remove.
async fn remove_provider(
    State(mock): State<AppState>,
    ManagementPath((id, provider)): ManagementPath<(String, String)>,
) -> Result<StatusCode, ManagementError> {
    user(&mock, &id)?;
    match provider.as_str() {
        "google-authenticator" => {
            change(&mock, &id, |f| Factor::Totp.remove(f))?;
        }
        "duo" => {}
        other => {
            return Err(ManagementError::new(
                StatusCode::BAD_REQUEST,
                format!(
                    "Path validation error: 'Invalid value \"{other}\"' on property provider (the multi-factor provider: duo or google-authenticator)."
                ),
                "invalid_uri",
            ));
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `POST …/multifactor/actions/invalidate-remember-browser`: every browser the user chose to
/// have remembered is challenged again at the next login.
async fn forget_browsers(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<StatusCode, ManagementError> {
    user(&mock, &id)?;
    mock.store().forget_mfa_browsers(&id);
    Ok(StatusCode::NO_CONTENT)
}

/// The user and factor a Guardian enrollment id names.
fn enrolled(mock: &Mock, enrollment_id: &str) -> Option<(User, MfaFactors, Factor)> {
    mock.store().users().into_iter().find_map(|user| {
        let factors = user.mfa.clone()?;
        let k = Factor::ALL.into_iter().find(|k| {
            k.present(&factors) && k.enrollment_id(&user.user_id).as_deref() == Some(enrollment_id)
        })?;
        Some((user, factors, k))
    })
}

/// `GET /api/v2/guardian/enrollments/{id}`.
async fn enrollment(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<Json<Value>, ManagementError> {
    let (user, factors, k) = enrolled(&mock, &id).ok_or_else(no_enrollment)?;
    let mut e = k.enrollment(&user, &factors).ok_or_else(no_enrollment)?;
    // This view of an enrollment has neither `type` nor `auth_method` (Auth0's schema).
    if let Some(o) = e.as_object_mut() {
        o.remove("type");
        o.remove("auth_method");
    }
    Ok(Json(e))
}

/// `DELETE /api/v2/guardian/enrollments/{id}`: that factor goes.
async fn remove_enrollment(
    State(mock): State<AppState>,
    ManagementPath(id): ManagementPath,
) -> Result<StatusCode, ManagementError> {
    let (user, _, k) = enrolled(&mock, &id).ok_or_else(no_enrollment)?;
    change(&mock, &user.user_id, |f| k.remove(f))?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_method_wraps_its_sms_authenticator() {
        let id = Factor::Phone.method_id("auth0|bob");
        assert!(id.starts_with("phone|dev_"), "{id}");
        assert_eq!(
            id.trim_start_matches("phone|"),
            Authenticator::Oob(OobChannel::Sms)
                .id("auth0|bob")
                .trim_start_matches("sms|")
        );
    }

    #[test]
    fn the_totp_and_sms_enrollments_of_a_user_have_different_ids() {
        assert_ne!(
            Factor::Totp.enrollment_id("auth0|bob"),
            Factor::Phone.enrollment_id("auth0|bob")
        );
    }

    #[test]
    fn an_email_factor_is_no_guardian_enrollment() {
        assert_eq!(Factor::Email.enrollment_id("auth0|bob"), None);
    }
}
