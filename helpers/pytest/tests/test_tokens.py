import jwt
import pytest

from pytest_auth0_mock import Auth0MockError

API = "https://api.auth0-mock.test"
HASURA = "https://hasura.io/jwt/claims"


def verify(auth0_mock, token):
    key = jwt.PyJWKClient(auth0_mock.jwks_url).get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=API, issuer=auth0_mock.issuer)


def test_auth0_token_verifies_with_the_mock_jwks(auth0_mock, auth0_token):
    claims = verify(auth0_mock, auth0_token())
    assert claims["sub"] == "auth0|alice"


def test_auth0_token_carries_hasura_claims(auth0_mock, auth0_token):
    claims = verify(auth0_mock, auth0_token(user="bob@example.com"))
    assert claims[HASURA] == {
        "x-hasura-default-role": "user",
        "x-hasura-allowed-roles": ["user"],
        "x-hasura-user-id": "auth0|bob",
    }


def test_admin_scenario_token_carries_the_admin_role(auth0_mock, auth0_token):
    hasura = verify(auth0_mock, auth0_token(scenario="admin"))[HASURA]
    assert hasura["x-hasura-default-role"] == "admin"
    assert "admin" in hasura["x-hasura-allowed-roles"]


def test_scenario_keeps_its_own_client_subject(auth0_token):
    assert auth0_token(scenario="m2m").claims["sub"] == "auth0-mock-m2m@clients"


def test_auth0_token_passes_scope_through(auth0_token):
    assert auth0_token(scope="openid read:own").full["scope"] == "openid read:own"


def test_auth0_token_full_holds_the_id_token(auth0_mock, auth0_token):
    token = auth0_token()
    assert jwt.decode(token.full["id_token"], options={"verify_signature": False})["email"] == (
        "alice@example.com"
    )


def test_unknown_scenario_raises_with_status_error_and_description(auth0_mock):
    with pytest.raises(Auth0MockError) as e:
        auth0_mock.token(scenario="no-such-scenario")
    assert (e.value.status, e.value.error) == (400, "invalid_request")
    assert "unknown scenario 'no-such-scenario'" in e.value.error_description
