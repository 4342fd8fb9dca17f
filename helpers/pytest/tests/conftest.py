import base64
import hashlib
import os
import secrets
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytest_plugins = ["pytester"]

SPA = "auth0-mock-spa"
CALLBACK = "http://localhost:3000/callback"
API = "https://api.auth0-mock.test"


@pytest.fixture(scope="session")
def mock_bin(auth0_mock):
    """An executable inner pytester sessions can start. They run in a tmp dir, far from any
    checkout, so they cannot fall back to `cargo run` themselves."""
    if auth0_mock.process is None:
        pytest.skip("needs a mock binary; this session attached to a running mock")
    launch = auth0_mock.process.launch
    if launch.cwd is None:
        return launch.argv[0]
    target = Path(os.environ.get("CARGO_TARGET_DIR") or Path(launch.cwd) / "target")
    return str(target / "release" / "auth0-mock")


@pytest.fixture
def authorize_url(auth0_mock):
    """Builds the SPA's `/authorize` URL (code flow, PKCE S256), as tests/support/browser.rs
    does for the Rust tests."""

    def build(**extra):
        verifier = secrets.token_urlsafe(32)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        params = {
            "client_id": SPA,
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "response_mode": "query",
            "scope": "openid profile email",
            "audience": API,
            "state": "st-" + secrets.token_hex(4),
            "nonce": "n-" + secrets.token_hex(4),
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            **extra,
        }
        return auth0_mock.url("/authorize?" + urlencode(params))

    return build
