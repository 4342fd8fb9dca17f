"""Attaching to a running mock (compose, a dev server) instead of starting one."""

ASSERT_ATTACHED = """
def test_attached(auth0_mock):
    assert auth0_mock.process is None
    assert auth0_mock.base_url == "{base}"
    assert auth0_mock.issuer == "{base}/"
"""


def test_url_option_attaches_without_starting_a_process(pytester, auth0_mock):
    pytester.makepyfile(ASSERT_ATTACHED.format(base=auth0_mock.base_url))
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--auth0-mock-url",
        auth0_mock.base_url + "/",
        "--auth0-mock-bin",
        "/nonexistent/auth0-mock",
    )
    result.assert_outcomes(passed=1)


def test_url_environment_variable_attaches(pytester, auth0_mock, monkeypatch):
    monkeypatch.setenv("AUTH0_MOCK_URL", auth0_mock.base_url)
    pytester.makepyfile(ASSERT_ATTACHED.format(base=auth0_mock.base_url))
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--auth0-mock-bin", "/nonexistent/auth0-mock"
    )
    result.assert_outcomes(passed=1)


def test_url_ini_setting_attaches(pytester, auth0_mock):
    pytester.makeini(f"[pytest]\nauth0_mock_url = {auth0_mock.base_url}\n")
    pytester.makepyfile(ASSERT_ATTACHED.format(base=auth0_mock.base_url))
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--auth0-mock-bin", "/nonexistent/auth0-mock"
    )
    result.assert_outcomes(passed=1)
