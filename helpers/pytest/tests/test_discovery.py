"""Finding the binary as a user's machine offers it: option, $AUTH0_MOCK_BIN, PATH, then
`cargo run` in a checkout. Fake executables in tmp dirs stand in for each."""

import os
import stat
import sys

import pytest

from pytest_auth0_mock import BinaryNotFound, StartupError, find_launch
from pytest_auth0_mock.launcher import CARGO_RUN, Launch, MockProcess, parse_issuer

MANIFEST = '[package]\nname = "{name}"\nversion = "0.1.0"\n'


def fake_exe(path, body="exit 0"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def places(tmp_path):
    """One fake binary for each place, and a rootdir that is no checkout."""
    rootdir = tmp_path / "project"
    rootdir.mkdir()
    return {
        "option": fake_exe(tmp_path / "opt" / "auth0-mock"),
        "env": fake_exe(tmp_path / "env" / "auth0-mock"),
        "path_dir": fake_exe(tmp_path / "on-path" / "auth0-mock").parent,
        "rootdir": rootdir,
        "empty_path": str(tmp_path / "nothing-here"),
    }


def option(p):
    return (str(p), p.parent, "--auth0-mock-bin")


def env_var(p):
    return (str(p), p.parent, "$AUTH0_MOCK_BIN")


def test_option_wins_over_env_and_path(places):
    launch = find_launch(
        [option(places["option"]), env_var(places["env"])],
        places["rootdir"],
        env={"PATH": str(places["path_dir"])},
    )
    assert launch.argv == (str(places["option"]),)


def test_env_wins_over_path(places):
    launch = find_launch(
        [env_var(places["env"])], places["rootdir"], env={"PATH": str(places["path_dir"])}
    )
    assert launch.argv == (str(places["env"]),)


def test_path_is_used_without_option_or_env(places):
    launch = find_launch([], places["rootdir"], env={"PATH": str(places["path_dir"])})
    assert launch.argv == (str(places["path_dir"] / "auth0-mock"),)


def test_cargo_runs_the_checkout_above_the_rootdir(tmp_path):
    checkout = tmp_path / "auth0-mock"
    rootdir = checkout / "helpers" / "pytest"
    rootdir.mkdir(parents=True)
    (checkout / "Cargo.toml").write_text(MANIFEST.format(name="auth0-mock"))
    cargo = fake_exe(tmp_path / "toolchain" / "cargo")
    launch = find_launch([], rootdir, env={"PATH": str(cargo.parent)})
    assert (launch.argv, launch.cwd) == ((str(cargo), *CARGO_RUN[1:]), str(checkout))


def test_checkout_of_another_crate_is_not_used(tmp_path):
    (tmp_path / "Cargo.toml").write_text(
        MANIFEST.format(name="my-app") + '\n[dependencies]\nx = { name = "auth0-mock" }\n'
    )
    cargo = fake_exe(tmp_path / "toolchain" / "cargo")
    with pytest.raises(BinaryNotFound):
        find_launch([], tmp_path, env={"PATH": str(cargo.parent)})


def test_nothing_found_names_all_four_places(places):
    with pytest.raises(BinaryNotFound) as e:
        find_launch([], places["rootdir"], env={"PATH": places["empty_path"]})
    message = str(e.value)
    for place in (
        "--auth0-mock-bin",
        "AUTH0_MOCK_BIN",
        "`auth0-mock` on PATH",
        "cargo run --release",
    ):
        assert place in message


def test_option_naming_a_missing_file_fails_instead_of_falling_back(places):
    missing = places["option"].parent / "typo"
    with pytest.raises(BinaryNotFound, match="--auth0-mock-bin names .*typo"):
        find_launch(
            [option(missing), env_var(places["env"])],
            places["rootdir"],
            env={"PATH": str(places["path_dir"])},
        )


def test_relative_option_is_relative_to_its_base(places):
    exe = places["option"]
    launch = find_launch(
        [("opt/auth0-mock", exe.parent.parent, "--auth0-mock-bin")], places["rootdir"], env={}
    )
    assert launch.argv == (str(exe),)


def test_command_line_bin_wins_over_env_in_a_session(pytester, mock_bin, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTH0_MOCK_BIN", str(fake_exe(tmp_path / "broken", "exit 7")))
    pytester.makepyfile(
        "def test_started(auth0_mock):\n"
        "    assert auth0_mock.process.launch.source == '--auth0-mock-bin'\n"
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--auth0-mock-bin", mock_bin)
    result.assert_outcomes(passed=1)


def test_session_without_any_binary_errors_naming_all_four(pytester, monkeypatch):
    monkeypatch.delenv("AUTH0_MOCK_BIN", raising=False)
    monkeypatch.delenv("AUTH0_MOCK_URL", raising=False)
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable))
    pytester.makepyfile("def test_needs_it(auth0_mock):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*cannot find auth0-mock*", "*AUTH0_MOCK_BIN*", "*on PATH*", "*cargo run*"]
    )


def test_fixtures_option_serves_that_directory(pytester, mock_bin, request):
    fixtures = request.config.rootpath.parent.parent / "fixtures" / "default"
    if not fixtures.is_dir():
        pytest.skip(f"needs the repository's {fixtures}")
    pytester.makepyfile(
        "def test_source(auth0_mock):\n"
        f"    assert auth0_mock.control('GET', '/__mock')['source'] == {str(fixtures)!r}\n"
    )
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--auth0-mock-bin",
        mock_bin,
        "--auth0-mock-fixtures",
        str(fixtures),
    )
    result.assert_outcomes(passed=1)


def test_banner_issuer_line_is_parsed():
    assert (
        parse_issuer("  Domain / issuer     http://localhost:40123/") == "http://localhost:40123/"
    )
    assert (
        parse_issuer("  JWKS                http://localhost:40123/.well-known/jwks.json") is None
    )


def test_startup_failure_reports_exit_status_and_stderr(tmp_path):
    exe = fake_exe(tmp_path / "auth0-mock", "echo 'boom: bad fixtures' >&2; exit 3")
    process = MockProcess(Launch(argv=(str(exe),), source="test"), log_path=tmp_path / "log")
    with pytest.raises(StartupError, match=r"(?s)exited with status 3.*boom: bad fixtures"):
        process.start(timeout=10)


def test_startup_gives_up_when_no_banner_comes(tmp_path):
    exe = fake_exe(tmp_path / "auth0-mock", "echo starting; exec sleep 30")
    process = MockProcess(Launch(argv=(str(exe),), source="test"), log_path=tmp_path / "log")
    with pytest.raises(StartupError, match="printed no 'Domain / issuer' line"):
        process.start(timeout=0.5)
    assert process.returncode is not None
