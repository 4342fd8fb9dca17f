"""auth0-python 4.x: Passwordless.email / sms, then GetToken.passwordless_login + TokenVerifier.

Email and SMS one-time codes (/passwordless/start with the web app's client secret, then the
passwordless/otp grant), Auth0's refusals as Auth0Errors, and a magic link (send="link" with
auth_params) whose callback code GetToken.authorization_code exchanges. Codes and links are read
from the mock's outbox (GET /__mock/outbox); the link is followed with requests, as the user's
browser would.

Env: MOCK_BASE_URL (http://localhost:PORT; protocol "http"), MOCK_ISSUER (optional).
With an https MOCK_BASE_URL it uses protocol "https" and REQUESTS_CA_BUNDLE must name the mock CA.
Run with tests/clients/.venv/bin/python.
"""

import os
import re
import sys
import time
from urllib.parse import parse_qs, urljoin, urlparse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "py"))

import requests  # noqa: E402
from auth0.authentication import GetToken, Passwordless  # noqa: E402
from auth0.authentication.token_verifier import AsymmetricSignatureVerifier, TokenVerifier  # noqa: E402
from auth0.exceptions import Auth0Error  # noqa: E402

from common import (  # noqa: E402
    AUDIENCE, WEB, CheckError, Env, Runner, check, eq, outbox_code, outbox_magic_link, unique_email,
    unique_phone, unverified, refused, details,
)

SCOPE = "openid profile email offline_access"
CALLBACK = "http://localhost:3000/auth/callback"  # one of the web app's callbacks

env = Env()
r = Runner("auth0-python (passwordless)")
# The web app: confidential (Passwordless adds its client_secret, which Auth0 requires of regular
# web apps) and granted the passwordless/otp grant.
passwordless = Passwordless(env.domain, WEB["client_id"], client_secret=WEB["client_secret"], protocol=env.scheme)
web = GetToken(env.domain, WEB["client_id"], client_secret=WEB["client_secret"], protocol=env.scheme)
verifier = TokenVerifier(signature_verifier=AsymmetricSignatureVerifier(env.jwks_url),
                         issuer=env.issuer, audience=WEB["client_id"])
email = unique_email("py-pwless")
phone = unique_phone()
state = {}


def other_than(code: str) -> str:
    return "111111" if code == "000000" else "000000"


def verified_claims(tokens, nonce=None) -> dict:
    check(isinstance(tokens, dict) and isinstance(tokens.get("id_token"), str), "no id_token", response=tokens)
    try:
        return verifier.verify(tokens["id_token"], nonce=nonce)
    except Exception as e:  # TokenValidationError
        raise CheckError(f"TokenVerifier.verify rejected the ID token: {e}", id_token=unverified(tokens["id_token"])) from e


def login_email(code):
    return web.passwordless_login(username=email, otp=code, realm="email", scope=SCOPE, audience=AUDIENCE)


def login_sms(code):
    return web.passwordless_login(username=phone, otp=code, realm="sms", scope=SCOPE, audience=AUDIENCE)


def send_email_code():
    data = passwordless.email(email, send="code")
    check(isinstance(data, dict), "email() did not return a dict (the JSON body)", response=data)
    check(isinstance(data.get("_id"), str) and re.fullmatch(r"[0-9a-f]{24}", data["_id"]), "_id should be 24 hex characters", response=data)
    eq(data.get("email"), email, "email", response=data)
    check(isinstance(data.get("email_verified"), bool), "email_verified should be a boolean", response=data)
    state["code"] = outbox_code(env, email, "email")["code"]


def wrong_email_code():
    e = refused("passwordless_login with a wrong code", lambda: login_email(other_than(state["code"])))
    eq(e.error_code, "invalid_grant", "Auth0Error.error_code", **details(e))
    eq(e.status_code, 403, "Auth0Error.status_code", **details(e))
    eq(e.message, "Wrong email or verification code.", "Auth0Error.message", **details(e))


def email_login():
    tokens = login_email(state["code"])
    claims = verified_claims(tokens)
    check(re.fullmatch(r"email\|[0-9a-f]{24}", claims.get("sub", "")), f"sub should be email|<24 hex>, got {claims.get('sub')}", claims=claims)
    eq(claims.get("email"), email, "id_token email", claims=claims)
    eq(claims.get("email_verified"), True, "id_token email_verified (the code proved the address)", claims=claims)
    check(isinstance(tokens.get("refresh_token"), str), "offline_access should give a refresh_token", keys=list(tokens))
    eq(unverified(tokens["access_token"])["payload"].get("sub"), claims["sub"], "access token sub")
    state["user_id"] = claims["sub"]


def used_code():
    e = refused("passwordless_login with a used code", lambda: login_email(state["code"]))
    eq(e.error_code, "invalid_grant", "Auth0Error.error_code", **details(e))


def start_again():
    data = passwordless.email(email, send="code")
    eq(data.get("_id"), state["user_id"].split("|", 1)[1], "_id of a known user is its id without the connection prefix", response=data)
    eq(data.get("email_verified"), True, "email_verified of the known user", response=data)
    claims = verified_claims(login_email(outbox_code(env, email, "email")["code"]))
    eq(claims["sub"], state["user_id"], "id_token sub")


def sms():
    data = passwordless.sms(phone)
    check(isinstance(data, dict), "sms() did not return a dict (the JSON body)", response=data)
    eq(data.get("phone_number"), phone, "phone_number", response=data)
    check(isinstance(data.get("phone_verified"), bool), "phone_verified should be a boolean", response=data)
    check(isinstance(data.get("_id"), str), "_id", response=data)
    code = outbox_code(env, phone, "sms")["code"]
    e = refused("passwordless_login (sms) with a wrong code", lambda: login_sms(other_than(code)))
    eq(e.error_code, "invalid_grant", "Auth0Error.error_code", **details(e))
    eq(e.message, "Wrong phone number or verification code.", "Auth0Error.message", **details(e))
    claims = verified_claims(login_sms(code))
    check(re.fullmatch(r"sms\|[0-9a-f]{24}", claims.get("sub", "")), f"sub should be sms|<24 hex>, got {claims.get('sub')}", claims=claims)


def bad_phone():
    e = refused('sms("555-1111")', lambda: passwordless.sms("555-1111"))
    eq(e.error_code, "bad.phone_number", "Auth0Error.error_code", **details(e))
    eq(e.status_code, 400, "Auth0Error.status_code", **details(e))


def wrong_secret():
    other = Passwordless(env.domain, WEB["client_id"], client_secret="not-the-secret", protocol=env.scheme)
    e = refused("email() with a wrong client secret", lambda: other.email(email, send="code"))
    eq(e.error_code, "invalid_client", "Auth0Error.error_code", **details(e))
    eq(e.status_code, 401, "Auth0Error.status_code", **details(e))


def magic_link():
    link_email = unique_email("py-link")
    st, nonce = f"st-{time.time_ns()}", f"n-{time.time_ns()}"
    passwordless.email(link_email, send="link", auth_params={
        "response_type": "code", "redirect_uri": CALLBACK, "scope": SCOPE, "audience": AUDIENCE, "state": st, "nonce": nonce,
    })
    m = outbox_magic_link(env, link_email)
    opened = requests.get(m["link"], allow_redirects=False, timeout=20)
    location = opened.headers.get("location")
    check(opened.status_code == 302 and location, "the magic link did not redirect",
          request=f"GET {m['link']}", mock_answered=f"{opened.status_code} {dict(opened.headers)} {opened.text[:500]}")
    check(opened.headers.get("set-cookie"), "the magic link should start a session (Set-Cookie)", headers=dict(opened.headers))
    cb = urlparse(urljoin(m["link"], location))
    eq(f"{cb.scheme}://{cb.netloc}{cb.path}", CALLBACK, "redirect target", location=location)
    q = parse_qs(cb.query)
    eq(q.get("state"), [st], "callback state", location=location)
    check(q.get("code"), "callback has no code", location=location)
    tokens = web.authorization_code(code=q["code"][0], redirect_uri=CALLBACK)
    claims = verified_claims(tokens, nonce=nonce)
    eq(claims.get("email"), link_email, "id_token email", claims=claims)
    check(claims.get("sub", "").startswith("email|"), "sub should be email|…", claims=claims)
    check("refresh_token" not in tokens, "a magic link never yields a refresh token (Auth0 drops offline_access)", keys=list(tokens))


r.step('Passwordless.email(email, send="code") returns {_id, email, email_verified}; the code is in the outbox', send_email_code)
r.step("GetToken.passwordless_login with a wrong code raises Auth0Error invalid_grant/403", wrong_email_code)
r.step('GetToken.passwordless_login(realm="email") + TokenVerifier: a new email| user, email_verified', email_login)
r.step("the used code raises Auth0Error invalid_grant", used_code)
r.step("a second Passwordless.email + passwordless_login is the same user", start_again)
r.step('Passwordless.sms(phone_number); a wrong code is refused; passwordless_login(realm="sms") is an sms| user', sms)
r.step("Passwordless.sms with a number that is not E.164 raises Auth0Error bad.phone_number/400", bad_phone)
r.step("Passwordless.email with a wrong client secret raises Auth0Error invalid_client/401", wrong_secret)
r.step('Passwordless.email(send="link", auth_params); the link redirects to the callback; GetToken.authorization_code', magic_link)
r.done()
