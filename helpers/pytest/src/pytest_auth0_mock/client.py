"""A small client for one running auth0-mock: its control API, direct sign-in, scenario
tokens, the outbox and a Management API token."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence
from urllib.parse import urlsplit

import requests

from .launcher import Launch, MockProcess, StartupError

CONTROL_TOKEN_ENV = "AUTH0_MOCK_CONTROL_TOKEN"
M2M_CLIENT_ID = "auth0-mock-m2m"
M2M_CLIENT_SECRET = "auth0-mock-m2m-secret"
DEFAULT_USER = "alice@example.com"

#: Seconds one HTTP call may take, beyond any `wait` the call itself asks the mock for.
HTTP_TIMEOUT = 10.0


class Auth0MockError(Exception):
    """The mock answered an error: `status`, `error` and `error_description` as it sent them
    (for the Management API's shape, `errorCode` or `error`, and `message`)."""

    def __init__(
        self,
        status: int,
        error: str,
        error_description: str,
        method: str = "",
        url: str = "",
        body: Any = None,
    ):
        self.status = status
        self.error = error
        self.error_description = error_description
        self.method = method
        self.url = url
        self.body = body
        super().__init__(status, error, error_description)

    def __str__(self) -> str:
        call = f"{self.method} {self.url} -> " if self.method else ""
        return f"{call}{self.status} {self.error}: {self.error_description}"


def raise_for_error(resp: requests.Response) -> None:
    """Raises Auth0MockError for a 4xx/5xx answer."""
    if resp.status_code < 400:
        return
    try:
        body = resp.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "error_description" in body:
        error, description = body.get("error"), body.get("error_description")
    elif isinstance(body, dict) and "message" in body:
        error, description = body.get("errorCode") or body.get("error"), body.get("message")
    else:
        error, description = f"http_{resp.status_code}", resp.text[:1000]
    raise Auth0MockError(
        resp.status_code,
        str(error),
        str(description),
        method=resp.request.method or "",
        url=resp.url,
        body=body if body is not None else resp.text,
    )


def decode_claims(jwt: str) -> Dict[str, Any]:
    """A JWT's payload, NOT verified: for looking at what the mock put in a token."""
    try:
        payload = jwt.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as e:
        raise ValueError(f"not a JWT: {jwt[:40]!r}…") from e


class Token(str):
    """An access token (the string itself) with the whole answer of `POST /__mock/token` as
    `.full`: `access_token`, `id_token`, `scope`, `expires_in`, `scenario`, `expect`, …"""

    full: Dict[str, Any]

    def __new__(cls, minted: Dict[str, Any]) -> "Token":
        tok = super().__new__(cls, minted["access_token"])
        tok.full = minted
        return tok

    @property
    def id_token(self) -> Optional[str]:
        return self.full.get("id_token")

    @property
    def claims(self) -> Dict[str, Any]:
        """The access token's claims, unverified."""
        return decode_claims(self)


class Auth0Mock:
    """One auth0-mock, started by the plugin or attached to by URL.

    `base_url` has no trailing slash (`http://localhost:PORT`); `issuer` is what tokens carry
    (`http://localhost:PORT/`); `domain` is the issuer's `host:port`, as Auth0 SDKs take it.
    """

    def __init__(
        self,
        base_url: str,
        issuer: Optional[str] = None,
        *,
        process: Optional[MockProcess] = None,
        session: Optional[requests.Session] = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.issuer = issuer or f"{self.base_url}/"
        self.process = process
        self.session = session or requests.Session()

    # ------------------------------------------------------------------ starting

    @classmethod
    def spawn(
        cls,
        launch: Launch,
        args: Sequence[str] = (),
        log_path: Optional[Path] = None,
        timeout: Optional[float] = None,
    ) -> "Auth0Mock":
        """Starts a mock on a free port (`--port 0`) and waits until it answers."""
        process = MockProcess(launch, args, log_path=log_path)
        issuer = process.start(timeout)
        return cls(issuer, issuer, process=process)

    @classmethod
    def attach(cls, url: str, timeout: float = 30.0) -> "Auth0Mock":
        """A mock already running at `url` (compose, a dev server): waits for `/healthz`, then
        reads the issuer from its discovery document (it may differ from `url`)."""
        base = url.rstrip("/")
        deadline = time.monotonic() + timeout
        last = "no answer"
        while True:
            try:
                r = requests.get(f"{base}/healthz", timeout=2)
                if r.status_code == 200 and r.text.strip() == "OK":
                    break
                last = f"{r.status_code} {r.text[:200]!r}"
            except requests.RequestException as e:
                last = str(e)
            if time.monotonic() >= deadline:
                raise StartupError(
                    f"no auth0-mock answers GET {base}/healthz with OK "
                    f"after {timeout:.0f} s ({last})"
                )
            time.sleep(0.2)
        r = requests.get(f"{base}/.well-known/openid-configuration", timeout=HTTP_TIMEOUT)
        raise_for_error(r)
        return cls(base, r.json()["issuer"])

    def close(self) -> None:
        """Stops the mock if this object started it."""
        self.session.close()
        if self.process is not None:
            self.process.stop()

    def __enter__(self) -> "Auth0Mock":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        how = f"pid {self.process.pid}" if self.process else "attached"
        return f"<Auth0Mock {self.base_url} ({how})>"

    # ------------------------------------------------------------------ addresses

    @property
    def domain(self) -> str:
        return urlsplit(self.issuer).netloc

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/.well-known/jwks.json"

    @property
    def management_audience(self) -> str:
        return f"{self.base_url}/api/v2/"

    def url(self, path: str) -> str:
        """An absolute URL on the mock for `path` (`/authorize?…`)."""
        return f"{self.base_url}/{path.lstrip('/')}"

    # ------------------------------------------------------------------ control API

    def control(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Optional[Dict[str, Any]] = None,
        timeout: float = HTTP_TIMEOUT,
    ) -> Any:
        """One control-API call; the decoded JSON answer, or None for 204."""
        headers = {}
        # Read per call: a suite may set the token after the mock started.
        token = os.environ.get(CONTROL_TOKEN_ENV)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        r = self.session.request(
            method, self.url(path), json=json, params=params, headers=headers, timeout=timeout
        )
        raise_for_error(r)
        return r.json() if r.content else None

    def reset(self) -> None:
        """Back to the fixtures: users, sessions, tokens, hook records, faults, clock, keys,
        outbox."""
        self.control("POST", "/__mock/reset")

    def sign_in(self, user: str, return_to: Optional[str] = None) -> Dict[str, Any]:
        """A session for `user` without the login form: `{"user_id", "cookie", "url"}`.

        `cookie` is `{name, value, url, httpOnly, secure, sameSite, expires}` (Playwright's
        `add_cookies` shape); `url` is a one-time link that puts the visiting browser into the
        session, then goes to `return_to`.
        """
        body: Dict[str, Any] = {"user": user}
        if return_to is not None:
            body["return_to"] = return_to
        return self.control("POST", "/__mock/login", json=body)

    def next_login(self, user: str, count: int = 1) -> Dict[str, Any]:
        """The next `count` visits of the login page sign `user` in by themselves:
        `{"user_id", "remaining"}`."""
        return self.control("POST", "/__mock/login/next", json={"user": user, "count": count})

    def token(
        self, scenario: Optional[str] = None, user: Optional[str] = None, **fields: Any
    ) -> Dict[str, Any]:
        """`POST /__mock/token`: a scenario's or an ad-hoc token set.

        `fields` are the request's other members: `client`, `audience`, `scope`, `claims`
        (extra access-token claims), `lifetime` (seconds). None values are left out, so the
        scenario's own values stand. Answers `{scenario, description, expect, access_token,
        id_token, token_type, expires_in, scope}`.
        """
        body = {"scenario": scenario, "user": user, **fields}
        return self.control(
            "POST", "/__mock/token", json={k: v for k, v in body.items() if v is not None}
        )

    def outbox(
        self, to: Optional[str] = None, kind: Optional[str] = None, wait: Optional[float] = None
    ) -> List[Dict[str, Any]]:
        """The messages sent, oldest first (`id, channel, kind, to, from, subject, text, code,
        link, user_id, sent_at`). With `wait` (seconds, at most 60) the mock answers as soon as a
        matching message exists, so a test need not sleep."""
        params = {k: v for k, v in {"to": to, "kind": kind, "wait": wait}.items() if v is not None}
        return self.control(
            "GET", "/__mock/outbox", params=params, timeout=HTTP_TIMEOUT + (wait or 0)
        )

    def clear_outbox(self) -> None:
        self.control("DELETE", "/__mock/outbox")

    # ------------------------------------------------------------------ Management API

    def management_token(self) -> str:
        """A Management API access token (client_credentials as the default M2M client)."""
        r = self.session.post(
            self.url("/oauth/token"),
            data={
                "grant_type": "client_credentials",
                "client_id": M2M_CLIENT_ID,
                "client_secret": M2M_CLIENT_SECRET,
                "audience": self.management_audience,
            },
            timeout=HTTP_TIMEOUT,
        )
        raise_for_error(r)
        return r.json()["access_token"]
