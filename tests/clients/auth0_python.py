"""auth0-python 4.x: GetToken (password-realm and client_credentials) + TokenVerifier on the ID token.

auth0-python always sends JSON bodies, with nulls for unset fields.
Env: MOCK_BASE_URL (http://localhost:PORT; GetToken(protocol="http")), MOCK_ISSUER (optional).
With an https MOCK_BASE_URL it uses protocol "https" and REQUESTS_CA_BUNDLE must name the mock CA.
Run with tests/clients/.venv/bin/python.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "py"))

from auth0.authentication import GetToken, Users  # noqa: E402
from auth0.authentication.token_verifier import AsymmetricSignatureVerifier, TokenVerifier  # noqa: E402
from auth0.exceptions import Auth0Error  # noqa: E402

from common import ALICE, AUDIENCE, BOB, M2M, REALM, WEB, CheckError, Env, Runner, check, eq, unverified  # noqa: E402

env = Env()
r = Runner("auth0-python")
web = GetToken(env.domain, WEB["client_id"], client_secret=WEB["client_secret"], protocol=env.scheme)
m2m = GetToken(env.domain, M2M["client_id"], client_secret=M2M["client_secret"], protocol=env.scheme)
verifier = TokenVerifier(signature_verifier=AsymmetricSignatureVerifier(env.jwks_url),
                         issuer=env.issuer, audience=WEB["client_id"])


def login(user):
    tokens = web.login(username=user["email"], password=user["password"], realm=REALM,
                       audience=AUDIENCE, scope="openid profile email")
    check(isinstance(tokens, dict) and isinstance(tokens.get("id_token"), str),
          "login() returned no id_token", response=tokens)
    check(isinstance(tokens.get("expires_in"), int), "expires_in must be an integer", response=tokens)
    return tokens


def verify(tokens, user):
    try:
        claims = verifier.verify(tokens["id_token"])
    except Exception as e:  # TokenValidationError
        raise CheckError(f"TokenVerifier.verify rejected the ID token: {e}", id_token=unverified(tokens["id_token"]),
                         expected_issuer=env.issuer, expected_audience=WEB["client_id"]) from e
    eq(claims["sub"], user["user_id"], "id_token sub", claims=claims)
    eq(claims.get("email"), user["email"], "id_token email", claims=claims)
    check("nonce" not in claims, "id_token of a password-realm grant must not carry a nonce", claims=claims)


def client_credentials():
    tokens = m2m.client_credentials(audience=AUDIENCE)
    check(isinstance(tokens.get("access_token"), str), "no access_token", response=tokens)
    eq(unverified(tokens["access_token"]).get("payload", {}).get("sub"), f"{M2M['client_id']}@clients", "access token sub")


def wrong_password():
    try:
        web.login(username=ALICE["email"], password="wrong-password", realm=REALM, audience=AUDIENCE, scope="openid")
    except Auth0Error as e:
        eq(e.error_code, "invalid_grant", "error code", status=e.status_code, message=e.message)
        eq(e.status_code, 403, "HTTP status", error_code=e.error_code, message=e.message)
        return
    raise CheckError("a wrong password was accepted")


def refresh():
    tokens = web.login(username=ALICE["email"], password=ALICE["password"], realm=REALM,
                       audience=AUDIENCE, scope="openid profile email offline_access")
    check(isinstance(tokens.get("refresh_token"), str), "offline_access was requested but no refresh_token", response=tokens)
    # refresh_token() sends {"scope": null} (JSON with nulls), like login().
    refreshed = web.refresh_token(tokens["refresh_token"])
    check(isinstance(refreshed.get("id_token"), str), "refresh returned no id_token", response=refreshed)
    verify(refreshed, ALICE)


def userinfo():
    info = Users(env.domain, protocol=env.scheme).userinfo(alice["access_token"])
    eq(info.get("sub"), ALICE["user_id"], "userinfo sub", userinfo=info)
    eq(info.get("email"), ALICE["email"], "userinfo email", userinfo=info)


alice = r.step("GetToken.login (password-realm, JSON body with nulls), alice", lambda: login(ALICE))
r.step("TokenVerifier(AsymmetricSignatureVerifier(jwks)).verify(alice id_token)", lambda: verify(alice, ALICE))
bob = r.step("GetToken.login, bob", lambda: login(BOB))
r.step("TokenVerifier.verify(bob id_token)", lambda: verify(bob, BOB))
r.step("GetToken.client_credentials (M2M)", client_credentials)
r.step("GetToken.login with a wrong password raises Auth0Error invalid_grant/403", wrong_password)
r.step("GetToken.refresh_token (JSON, scope null) + TokenVerifier on the new ID token", refresh)
r.step("Users.userinfo(access token)", userinfo)
r.done()
