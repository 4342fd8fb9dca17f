import requests

ALICE = "alice@example.com"


def ask_for_a_reset(auth0_mock, email=ALICE):
    resp = requests.post(
        auth0_mock.url("/dbconnections/change_password"),
        json={
            "client_id": "auth0-mock-spa",
            "email": email,
            "connection": "Username-Password-Authentication",
        },
    )
    assert resp.status_code == 200, resp.text


def test_outbox_finds_the_reset_email_after_change_password(auth0_mock):
    ask_for_a_reset(auth0_mock)
    (message,) = auth0_mock.outbox(to=ALICE, kind="reset_email", wait=5)
    assert message["link"].startswith(auth0_mock.url("/u/reset-verify?ticket="))


def test_outbox_filters_by_recipient(auth0_mock):
    ask_for_a_reset(auth0_mock)
    assert auth0_mock.outbox(to="bob@example.com") == []


def test_clear_outbox_empties_it(auth0_mock):
    ask_for_a_reset(auth0_mock)
    auth0_mock.clear_outbox()
    assert auth0_mock.outbox() == []
