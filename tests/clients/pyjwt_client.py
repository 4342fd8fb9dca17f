"""PyJWT: PyJWKClient(jwks_url) + jwt.decode(RS256, audience, issuer) on mock access tokens.

Env: MOCK_BASE_URL, MOCK_ISSUER (optional). Run with tests/clients/.venv/bin/python.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "py"))

import jwt  # noqa: E402
from jwt import PyJWKClient  # noqa: E402

from common import (  # noqa: E402
    ALICE, AUDIENCE, HASURA_NS, M2M, CheckError, Env, Runner, check, eq,
    client_credentials_token, password_token, unverified,
)

env = Env()
r = Runner("PyJWT")
jwks_client = PyJWKClient(env.jwks_url)


def decode(token: str) -> dict:
    try:
        key = jwks_client.get_signing_key_from_jwt(token)
    except jwt.PyJWKClientError as e:
        raise CheckError(f"PyJWKClient could not find a signing key: {e}",
                         token_header=unverified(token).get("header"), jwks_url=env.jwks_url) from e
    try:
        return jwt.decode(token, key.key, algorithms=["RS256"], audience=AUDIENCE, issuer=env.issuer)
    except jwt.PyJWTError as e:
        raise CheckError(f"jwt.decode rejected the token: {type(e).__name__}: {e}",
                         token=unverified(token), expected_issuer=env.issuer, expected_audience=AUDIENCE) from e


def check_m2m() -> None:
    claims = decode(cc["access_token"])
    eq(claims["sub"], f"{M2M['client_id']}@clients", "M2M sub", claims=claims)
    eq(claims.get("gty"), "client-credentials", "M2M gty", claims=claims)
    check(isinstance(claims["iat"], int) and isinstance(claims["exp"], int), "iat/exp must be integers", claims=claims)


def check_user() -> None:
    claims = decode(pw["access_token"])
    eq(claims["sub"], ALICE["user_id"], "user sub", claims=claims)
    hasura = claims.get(HASURA_NS)
    check(isinstance(hasura, dict), f"no {HASURA_NS} claim", claims=claims)
    eq(hasura.get("x-hasura-user-id"), ALICE["user_id"], "x-hasura-user-id", hasura=hasura)
    check("user" in (hasura.get("x-hasura-allowed-roles") or []), "x-hasura-allowed-roles must include user", hasura=hasura)


def check_wrong_audience() -> None:
    key = jwks_client.get_signing_key_from_jwt(pw["access_token"])
    try:
        jwt.decode(pw["access_token"], key.key, algorithms=["RS256"], audience="https://other.example", issuer=env.issuer)
    except jwt.InvalidAudienceError:
        return
    raise CheckError("a token for another audience was accepted", token=unverified(pw["access_token"]))


cc = r.step("client_credentials grant (M2M) via /oauth/token", lambda: client_credentials_token(env))
r.step("PyJWKClient + jwt.decode(M2M access token)", check_m2m)
pw = r.step("password grant (alice, auth0-mock-web) via /oauth/token", lambda: password_token(env))
r.step("PyJWKClient + jwt.decode(user access token)", check_user)
r.step("jwt.decode rejects the wrong audience", check_wrong_audience)
r.done()
