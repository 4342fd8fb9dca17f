"""auth0-python 4.x: Database.signup / change_password, then GetToken.login + TokenVerifier.

Sign-up, Auth0's sign-up errors (Auth0Error), password reset through the emailed link and email
verification. The emails are read from the mock's outbox (GET /__mock/outbox) and their links
followed with requests, as a user's browser would.

auth0-python sends JSON bodies; change_password's text answer is not JSON, so RestClient returns
it as a plain string (PlainResponse).
Env: MOCK_BASE_URL (http://localhost:PORT; protocol "http"), MOCK_ISSUER (optional).
With an https MOCK_BASE_URL it uses protocol "https" and REQUESTS_CA_BUNDLE must name the mock CA.
Run with tests/clients/.venv/bin/python.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "py"))

from auth0.authentication import Database, GetToken  # noqa: E402
from auth0.authentication.token_verifier import AsymmetricSignatureVerifier, TokenVerifier  # noqa: E402
from auth0.exceptions import Auth0Error  # noqa: E402

from common import (  # noqa: E402
    AUDIENCE, REALM, STRONG_PASSWORD, WEB, CheckError, Env, Runner, check, complete_password_reset, eq,
    follow_verification_link, outbox_link, unique_email, unverified, refused, details,
)

SENT = "We've just sent you an email to reset your password."
NEW_PASSWORD = "N3w-Str0ng-passw0rd!"

env = Env()
r = Runner("auth0-python (database)")
database = Database(env.domain, WEB["client_id"], protocol=env.scheme)
web = GetToken(env.domain, WEB["client_id"], client_secret=WEB["client_secret"], protocol=env.scheme)
verifier = TokenVerifier(signature_verifier=AsymmetricSignatureVerifier(env.jwks_url),
                         issuer=env.issuer, audience=WEB["client_id"])
email = unique_email("py-signup")
user = {}


def signup():
    data = database.signup(email=email, password=STRONG_PASSWORD, connection=REALM)
    check(isinstance(data, dict), "signup() did not return a dict (the JSON body)", response=data)
    check(isinstance(data.get("_id"), str) and len(data["_id"]) == 24, "_id should be 24 hex characters (without \"auth0|\")", response=data)
    eq(data.get("email"), email, "email", response=data)
    eq(data.get("email_verified"), False, "email_verified", response=data)
    user["user_id"] = "auth0|" + data["_id"]


def duplicate():
    e = refused("the duplicate signup", lambda: database.signup(email=email, password=STRONG_PASSWORD, connection=REALM))
    eq(e.error_code, "user_exists", "Auth0Error.error_code (the legacy body's code)", **details(e))
    eq(e.status_code, 400, "Auth0Error.status_code", **details(e))


def weak():
    weak_email = unique_email("py-weak")
    e = refused('signup with "weak"', lambda: database.signup(email=weak_email, password="weak", connection=REALM))
    eq(e.error_code, "invalid_password", "Auth0Error.error_code", **details(e))
    eq(e.status_code, 400, "Auth0Error.status_code", **details(e))
    eq(e.message, "Password is too weak", "Auth0Error.message (the body's message)", **details(e))
    e = refused("login of the refused sign-up", lambda: web.login(username=weak_email, password="weak", realm=REALM, scope="openid"))
    eq(e.error_code, "invalid_grant", "a refused sign-up creates no user", **details(e))


def login(password):
    return web.login(username=email, password=password, realm=REALM, audience=AUDIENCE, scope="openid profile email")


def verified_claims(tokens):
    check(isinstance(tokens, dict) and isinstance(tokens.get("id_token"), str), "login() returned no id_token", response=tokens)
    try:
        claims = verifier.verify(tokens["id_token"])
    except Exception as e:  # TokenValidationError
        raise CheckError(f"TokenVerifier.verify rejected the ID token: {e}", id_token=unverified(tokens["id_token"])) from e
    eq(claims["sub"], user["user_id"], "id_token sub", claims=claims)
    eq(claims.get("email"), email, "id_token email", claims=claims)
    return claims


def first_login():
    claims = verified_claims(login(STRONG_PASSWORD))
    eq(claims.get("email_verified"), False, "id_token email_verified before verification", claims=claims)


def verify_email():
    m = outbox_link(env, email, "verify_email", "u/email-verification")
    eq(m.get("user_id"), user["user_id"], "verify_email user_id", message=m)
    follow_verification_link(m["link"])
    claims = verified_claims(login(STRONG_PASSWORD))
    eq(claims.get("email_verified"), True, "id_token email_verified after following the link", claims=claims)


def change_password():
    answer = database.change_password(email=email, connection=REALM)
    eq(answer, SENT, "change_password() return value")


def change_password_unknown():
    eq(database.change_password(email=unique_email("py-nobody"), connection=REALM), SENT, "change_password() for an unknown email")


def reset():
    m = outbox_link(env, email, "reset_email", "u/reset-verify")
    eq(m.get("user_id"), user["user_id"], "reset_email user_id", message=m)
    complete_password_reset(m["link"], NEW_PASSWORD)


def old_password_fails():
    e = refused("login with the old password", lambda: login(STRONG_PASSWORD))
    eq(e.error_code, "invalid_grant", "Auth0Error.error_code", **details(e))
    eq(e.status_code, 403, "Auth0Error.status_code", **details(e))


r.step("Database.signup(email, password, connection) creates the user", signup)
r.step("a duplicate Database.signup raises Auth0Error user_exists/400", duplicate)
r.step("Database.signup with a weak password raises Auth0Error invalid_password/400", weak)
r.step("GetToken.login (password-realm) as the new user + TokenVerifier", first_login)
r.step("the verification link from the outbox verifies the address; the next ID token says so", verify_email)
r.step("Database.change_password returns Auth0's sentence (a plain-text answer)", change_password)
r.step("Database.change_password for an unknown email returns the same", change_password_unknown)
r.step("the reset link from the outbox opens the form; posting a new password changes it", reset)
r.step("GetToken.login with the new password + TokenVerifier", lambda: verified_claims(login(NEW_PASSWORD)))
r.step("GetToken.login with the old password raises Auth0Error invalid_grant/403", old_password_fails)
r.done()
