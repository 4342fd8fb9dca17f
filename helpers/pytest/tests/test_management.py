import requests


def test_management_token_reads_the_management_api(auth0_mock):
    resp = requests.get(
        auth0_mock.url("/api/v2/users-by-email"),
        params={"email": "alice@example.com"},
        headers={"Authorization": f"Bearer {auth0_mock.management_token()}"},
    )
    assert [u["user_id"] for u in resp.json()] == ["auth0|alice"]
