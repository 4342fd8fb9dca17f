"""Shared helpers for the Python real-client scripts (see ../README.md).

Every script reads MOCK_BASE_URL (and optionally MOCK_ISSUER), prints one line
per step and, on failure, prints which client, which step, what was sent and
what the mock answered, then exits with status 1.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
import traceback
from urllib.parse import urlparse

import requests

AUDIENCE = "https://api.auth0-mock.test"
REALM = "Username-Password-Authentication"
WEB = {"client_id": "auth0-mock-web", "client_secret": "auth0-mock-web-secret"}
M2M = {"client_id": "auth0-mock-m2m", "client_secret": "auth0-mock-m2m-secret"}
ALICE = {"email": "alice@example.com", "password": "alice-password", "user_id": "auth0|alice", "name": "Alice Liddell"}
BOB = {"email": "bob@example.com", "password": "bob-password", "user_id": "auth0|bob"}
HASURA_NS = "https://hasura.io/jwt/claims"


class CheckError(Exception):
    def __init__(self, message: str, **details):
        super().__init__(message)
        self.details = details


def check(cond, message: str, **details) -> None:
    if not cond:
        raise CheckError(message, **details)


def eq(actual, expected, what: str, **details) -> None:
    if actual != expected:
        raise CheckError(f"{what}: expected {expected!r}, got {actual!r}", **details)


class Env:
    def __init__(self) -> None:
        base = os.environ.get("MOCK_BASE_URL")
        if not base:
            print("FAIL: environment variable MOCK_BASE_URL is required", file=sys.stderr)
            sys.exit(2)
        self.base_url = base.rstrip("/")
        self.issuer = os.environ.get("MOCK_ISSUER") or self.base_url + "/"
        u = urlparse(self.base_url)
        self.scheme = u.scheme
        self.domain = u.netloc
        self.jwks_url = self.base_url + "/.well-known/jwks.json"


class Runner:
    def __init__(self, client: str) -> None:
        self.client = client
        self.current = "(setup)"

    def log(self, msg: str) -> None:
        print(f"[{self.client}] {msg}", flush=True)

    def step(self, name: str, fn):
        self.current = name
        t0 = time.monotonic()
        try:
            result = fn()
        except Exception as e:  # noqa: BLE001 - report everything
            self.fail(name, e)
        self.log(f"ok   {name} ({int((time.monotonic() - t0) * 1000)} ms)")
        return result

    def fail(self, step: str, e: BaseException) -> None:
        lines = [f"FAIL [{self.client}] step \"{step}\": {type(e).__name__}: {e}"]
        details = dict(getattr(e, "details", {}) or {})
        # auth0-python's Auth0Error keeps the mock's answer here.
        for attr in ("status_code", "error_code", "content"):
            if hasattr(e, attr):
                details[f"mock {attr}"] = getattr(e, attr)
        for k, v in details.items():
            s = v if isinstance(v, str) else json.dumps(v, default=str, indent=None)
            lines.append(f"  {k}: {s[:4000]}")
        lines.append("  traceback: " + "".join(traceback.format_exception(e)[-4:]).replace("\n", "\n    "))
        print("\n".join(lines), file=sys.stderr, flush=True)
        sys.exit(1)

    def done(self) -> None:
        self.log("all checks passed")
        sys.exit(0)


def token_request(env: Env, form: dict) -> dict:
    url = env.base_url + "/oauth/token"
    shown = {k: ("***" if k in ("password", "client_secret") else v) for k, v in form.items()}
    try:
        r = requests.post(url, data=form, timeout=20)
    except requests.RequestException as e:
        raise CheckError(f"request failed: {e}", request=f"POST {url} {shown}") from e
    body = None
    try:
        body = r.json()
    except ValueError:
        pass
    check(r.status_code == 200 and isinstance(body, dict) and isinstance(body.get("access_token"), str),
          f"/oauth/token ({form.get('grant_type')}) did not return 200 with an access_token",
          request=f"POST {url} {shown}", mock_answered=f"{r.status_code} {dict(r.headers)} {r.text}")
    return body


def client_credentials_token(env: Env) -> dict:
    return token_request(env, {"grant_type": "client_credentials", "audience": AUDIENCE, **M2M})


def password_token(env: Env, user=ALICE, scope="openid profile email") -> dict:
    return token_request(env, {"grant_type": "password", "username": user["email"], "password": user["password"],
                               "audience": AUDIENCE, "scope": scope, **WEB})


def unverified(token: str) -> dict:
    try:
        h, p, _ = token.split(".")
        pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
        return {"header": json.loads(base64.urlsafe_b64decode(pad(h))),
                "payload": json.loads(base64.urlsafe_b64decode(pad(p)))}
    except Exception:  # noqa: BLE001
        return {"raw": token}
