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


# ---------------------------------------------------------------- sign-up, reset, outbox

STRONG_PASSWORD = "Str0ng-passw0rd!"  # the default connection's "good" policy accepts it


def unique_email(prefix: str) -> str:
    """A fresh address per run, so a script can be re-run against a long-lived mock."""
    return f"{prefix}-{int(time.time() * 1000):x}-{os.urandom(3).hex()}@example.com"


def outbox_link(env: Env, to: str, kind: str, path: str, wait: int = 10) -> dict:
    """The newest `kind` message to `to` (GET /__mock/outbox?wait=), its link checked to be under the issuer."""
    m = outbox_messages(env, to, kind, wait)[-1]
    check(isinstance(m.get("link"), str), "outbox message has no link", outbox_message=m)
    check(m["link"].startswith(f"{env.issuer}{path.lstrip('/')}?ticket="), f"{kind} link is not {env.issuer}{path.lstrip('/')}?ticket=…", outbox_message=m)
    return m


def complete_password_reset(link: str, password: str) -> str:
    """Opens the reset link (302 to the form), reads the form and posts the new password twice (form-encoded)."""
    import html
    import re
    from urllib.parse import urljoin

    opened = requests.get(link, allow_redirects=False, timeout=20)
    check(opened.status_code == 302 and opened.headers.get("location"), "the reset link did not redirect to the form",
          request=f"GET {link}", mock_answered=f"{opened.status_code} {dict(opened.headers)} {opened.text[:500]}")
    form_url = urljoin(link, opened.headers["location"])
    page = requests.get(form_url, allow_redirects=False, timeout=20)
    check(page.status_code == 200, "the reset form did not load", request=f"GET {form_url}", mock_answered=f"{page.status_code} {page.text[:500]}")
    for field in ("password-reset", "re-enter-password"):
        check(f'id="{field}"' in page.text and f'name="{field}"' in page.text, f"the reset form has no input#{field}[name={field}]", html=page.text[:3000])
    m = re.search(r'<form[^>]*\baction="([^"]*)"', page.text, re.I)
    target = urljoin(form_url, html.unescape(m.group(1)) if m else form_url)
    done = requests.post(target, data={"password-reset": password, "re-enter-password": password, "action": "default"},
                         allow_redirects=False, timeout=20)
    check(done.status_code == 200 and "Your password has been changed successfully." in done.text,
          'posting the reset form did not answer 200 "Your password has been changed successfully."',
          request=f"POST {target} (form)", mock_answered=f"{done.status_code} {done.text[:800]}")
    return done.text


def follow_verification_link(link: str) -> str:
    """Opens the verification link; the page says the address is verified."""
    r = requests.get(link, allow_redirects=False, timeout=20)
    check(r.status_code == 200 and "Your email was verified." in r.text, 'the verification link did not answer 200 "Your email was verified."',
          request=f"GET {link}", mock_answered=f"{r.status_code} {dict(r.headers)} {r.text[:800]}")
    return r.text


# ---------------------------------------------------------------- passwordless


def unique_phone() -> str:
    """A fresh E.164 number per run (+1 555 …, a fictional range)."""
    return f"+1555{int(time.time() * 1000) % 10**7:07d}"


def outbox_messages(env: Env, to: str, kind: str, wait: int = 10) -> list:
    """GET /__mock/outbox?to=&kind=&wait=: the matching messages, oldest first; at least one."""
    url = env.base_url + "/__mock/outbox"
    params = {"to": to, "kind": kind, "wait": str(wait)}
    r = requests.get(url, params=params, timeout=wait + 10)
    try:
        messages = r.json()
    except ValueError:
        messages = None
    check(r.status_code == 200 and isinstance(messages, list), "GET /__mock/outbox did not return 200 with a JSON array",
          request=f"GET {url} {params}", mock_answered=f"{r.status_code} {r.text}")
    check(messages, f"no {kind} message to {to} in the outbox within {wait} s", request=f"GET {url} {params}")
    for m in messages:
        check(m.get("to") == to and m.get("kind") == kind, "outbox message has the wrong to/kind", outbox_message=m)
    return messages


def outbox_code(env: Env, to: str, channel: str, length: int = 6) -> dict:
    """The newest passwordless code sent to `to` (email or E.164 number) through `channel` ("email"/"sms")."""
    import re

    m = outbox_messages(env, to, "passwordless_code")[-1]
    eq(m.get("channel"), channel, "outbox message channel", outbox_message=m)
    check(isinstance(m.get("code"), str) and re.fullmatch(rf"[0-9]{{{length}}}", m["code"]), f"the code should be {length} digits", outbox_message=m)
    check(m["code"] in (m.get("text") or ""), "the message text should contain the code", outbox_message=m)
    return m


def outbox_magic_link(env: Env, email: str) -> dict:
    """The newest magic link sent to `email`, checked to be the issuer's /passwordless/verify_redirect."""
    m = outbox_messages(env, email, "passwordless_link")[-1]
    check(isinstance(m.get("link"), str) and m["link"].startswith(f"{env.issuer}passwordless/verify_redirect?"),
          f"the magic link is not {env.issuer}passwordless/verify_redirect?…", outbox_message=m)
    return m


def refused(what, fn):
    """Calls an auth0-python method that must raise Auth0Error; returns the error."""
    from auth0.exceptions import Auth0Error

    try:
        value = fn()
    except Auth0Error as e:
        return e
    raise CheckError(f"{what} succeeded but should have been refused", response=value)


def details(e) -> dict:
    """An Auth0Error's fields, for failure reports."""
    return {"status_code": e.status_code, "error_code": e.error_code, "message": e.message}
