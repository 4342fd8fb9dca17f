"""The pytest plugin (entry point `pytest11`: installing the package activates it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

from .client import DEFAULT_USER, Auth0Mock, Token
from .launcher import ENV_BIN, BinaryNotFound, Candidate, StartupError, find_launch

ENV_URL = "AUTH0_MOCK_URL"
NO_RESET_MARKER = "auth0_mock_no_reset"

_OPTIONS = {
    "auth0_mock_bin": "the auth0-mock executable (default: $AUTH0_MOCK_BIN, auth0-mock on PATH, "
    "then `cargo run` in a checkout of auth0-mock at or above the rootdir)",
    "auth0_mock_fixtures": "fixtures directory the mock serves (default: the embedded tenant, "
    "or $AUTH0_MOCK_FIXTURES as the binary reads it)",
    "auth0_mock_url": "attach to the mock running at this URL instead of starting one "
    "(default: $AUTH0_MOCK_URL)",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("auth0-mock")
    for name, help in _OPTIONS.items():
        group.addoption(f"--{name.replace('_', '-')}", dest=name, default=None, help=help)
        parser.addini(name, help=help, default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{NO_RESET_MARKER}: do not reset auth0-mock before this test (it sees what earlier "
        "tests left)",
    )


def _configured(config: pytest.Config, name: str, env: Optional[str] = None) -> List[Candidate]:
    """Where `name` is set, strongest first: command line, ini file, environment."""
    found: List[Candidate] = []
    cli = config.getoption(name)
    if cli:
        found.append((cli, config.invocation_params.dir, f"--{name.replace('_', '-')}"))
    ini = config.getini(name)
    if ini:
        # Relative paths in an ini file mean relative to that file, as pytest's own do.
        base = config.inipath.parent if config.inipath else config.rootpath
        found.append((str(ini), base, f"the ini setting {name}"))
    if env and os.environ.get(env):
        found.append((os.environ[env], Path.cwd(), f"${env}"))
    return found


@pytest.fixture(scope="session")
def auth0_mock(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Auth0Mock]:
    """The auth0-mock of this session, or of this pytest-xdist worker: each worker starts its
    own on a free port, so parallel tests never share users, sessions or the outbox."""
    config = request.config
    url = _configured(config, "auth0_mock_url", ENV_URL)
    if url:
        try:
            mock = Auth0Mock.attach(url[0][0])
        except StartupError as e:
            pytest.fail(f"{e} (from {url[0][2]})", pytrace=False)
    else:
        try:
            launch = find_launch(_configured(config, "auth0_mock_bin", ENV_BIN), config.rootpath)
        except BinaryNotFound as e:
            pytest.fail(str(e), pytrace=False)
        args: List[str] = []
        fixtures = _configured(config, "auth0_mock_fixtures")
        if fixtures:
            value, base, _ = fixtures[0]
            args += ["--fixtures", str((base / Path(value).expanduser()).resolve())]
        # getbasetemp() is per worker under xdist, so each worker keeps its own log.
        log = tmp_path_factory.getbasetemp() / "auth0-mock.log"
        try:
            mock = Auth0Mock.spawn(launch, args, log_path=log)
        except StartupError as e:
            pytest.fail(str(e), pytrace=False)
    try:
        yield mock
    finally:
        mock.close()


@pytest.fixture(autouse=True)
def _auth0_mock_reset(request: pytest.FixtureRequest) -> None:
    """Resets the mock before each test that uses it, so a test sees the fixtures and nothing
    an earlier test did. Tests that don't use the mock cost nothing: it is not even started."""
    if "auth0_mock" not in request.fixturenames:
        return
    if request.node.get_closest_marker(NO_RESET_MARKER):
        return
    request.getfixturevalue("auth0_mock").reset()


@pytest.fixture
def auth0_token(auth0_mock: Auth0Mock) -> Callable[..., Token]:
    """Factory: `auth0_token(user=None, scenario=None, audience=None, scope=None, **fields)`
    returns the access token (a `str`) with the whole token set as `.full`.

    Without a scenario the user is alice@example.com; a scenario keeps its own user or client
    unless `user` is given. `fields` are the other `POST /__mock/token` members (`client`,
    `claims`, `lifetime`).
    """

    def make(
        user: Optional[str] = None,
        scenario: Optional[str] = None,
        audience: Optional[str] = None,
        scope: Optional[str] = None,
        **fields: Any,
    ) -> Token:
        if user is None and scenario is None and fields.get("client") is None:
            user = DEFAULT_USER
        return Token(
            auth0_mock.token(scenario=scenario, user=user, audience=audience, scope=scope, **fields)
        )

    return make


@pytest.fixture
def auth0_login(auth0_mock: Auth0Mock) -> Callable[..., Dict[str, Any]]:
    """Factory: `auth0_login(user="alice@example.com", return_to=None)` signs the user in
    without the form and returns `{"user_id", "cookie", "url"}`: add `cookie` to a browser
    context (Playwright: `context.add_cookies([login["cookie"]])`) or visit `url` once
    (Selenium: `driver.get(login["url"])`), then let the app log in."""

    def login(user: str = DEFAULT_USER, return_to: Optional[str] = None) -> Dict[str, Any]:
        return auth0_mock.sign_in(user, return_to=return_to)

    return login
