"""Reset between tests, seen from inside: each case runs a small inner session (pytester)
attached to this worker's mock, so its tests run in a known order in one process."""

CREATE_THEN_LOOK = """
import pytest
import requests

EMAIL = "zed@example.com"


def users_named(auth0_mock):
    return requests.get(
        auth0_mock.url("/api/v2/users-by-email"),
        params={"email": EMAIL},
        headers={"Authorization": f"Bearer {auth0_mock.management_token()}"},
    ).json()


def test_1_creates_a_user(auth0_mock):
    resp = requests.post(
        auth0_mock.url("/api/v2/users"),
        json={
            "email": EMAIL,
            "password": "Zed-password-1!",
            "connection": "Username-Password-Authentication",
        },
        headers={"Authorization": f"Bearer {auth0_mock.management_token()}"},
    )
    assert resp.status_code == 201, resp.text
    assert len(users_named(auth0_mock)) == 1


__MARKER__
def test_2_looks_for_it(auth0_mock):
    assert len(users_named(auth0_mock)) == __EXPECTED__
"""


def run_inner(pytester, auth0_mock, marker, expected):
    pytester.makepyfile(
        test_inner=CREATE_THEN_LOOK.replace("__MARKER__", marker).replace(
            "__EXPECTED__", str(expected)
        )
    )
    return pytester.runpytest("-p", "no:cacheprovider", "--auth0-mock-url", auth0_mock.base_url)


def test_user_created_in_one_test_is_gone_in_the_next(pytester, auth0_mock):
    run_inner(pytester, auth0_mock, marker="", expected=0).assert_outcomes(passed=2)


def test_no_reset_marker_keeps_what_the_previous_test_made(pytester, auth0_mock):
    run_inner(
        pytester, auth0_mock, marker="@pytest.mark.auth0_mock_no_reset", expected=1
    ).assert_outcomes(passed=2)


def test_tests_without_the_mock_never_start_one(pytester):
    pytester.makepyfile("def test_plain():\n    assert True\n")
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--auth0-mock-bin", "/nonexistent/auth0-mock"
    )
    result.assert_outcomes(passed=1)


def test_tests_using_only_a_factory_are_reset_too(pytester, auth0_mock):
    pytester.makepyfile(
        """
import time

def test_1_moves_the_clock_a_year_ahead(auth0_mock):
    auth0_mock.control("POST", "/__mock/clock", json={"advance": 365 * 86400})

def test_2_gets_a_token_issued_now(auth0_token):
    assert abs(auth0_token().claims["iat"] - time.time()) < 600
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--auth0-mock-url", auth0_mock.base_url)
    result.assert_outcomes(passed=2)
