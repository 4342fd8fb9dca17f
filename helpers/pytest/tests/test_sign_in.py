from urllib.parse import parse_qs, urljoin, urlsplit

import requests

CALLBACK = "http://localhost:3000/callback"


def code_from(resp):
    """The code of a redirect to the SPA's callback, or None."""
    assert resp.status_code == 302, resp.text
    location = resp.headers["location"]
    if not location.startswith(CALLBACK):
        return None
    return parse_qs(urlsplit(location).query).get("code", [None])[0]


def test_sign_in_cookie_makes_authorize_answer_a_code(auth0_mock, authorize_url):
    cookie = auth0_mock.sign_in("alice@example.com")["cookie"]
    resp = requests.get(
        authorize_url(), cookies={cookie["name"]: cookie["value"]}, allow_redirects=False
    )
    assert code_from(resp)


def test_authorize_without_a_session_answers_no_code(authorize_url):
    assert code_from(requests.get(authorize_url(), allow_redirects=False)) is None


def test_auth0_login_cookie_has_the_browser_automation_shape(auth0_mock, auth0_login):
    cookie = auth0_login()["cookie"]
    assert set(cookie) == {"name", "value", "url", "httpOnly", "secure", "sameSite", "expires"}
    assert cookie["url"] == auth0_mock.base_url


def test_auth0_login_link_puts_the_visiting_browser_into_the_session(auth0_login, authorize_url):
    browser = requests.Session()
    browser.get(auth0_login("bob@example.com")["url"], allow_redirects=False)
    assert code_from(browser.get(authorize_url(), allow_redirects=False))


def test_next_login_signs_the_user_in_at_the_login_page(auth0_mock, authorize_url):
    auth0_mock.next_login("bob@example.com")
    browser = requests.Session()
    resp = browser.get(authorize_url(), allow_redirects=False)
    for _ in range(5):
        if code_from(resp) is not None:
            break
        resp = browser.get(urljoin(resp.url, resp.headers["location"]), allow_redirects=False)
    assert code_from(resp)
