"""auth0-python 4.x management: GetToken.client_credentials for a Management API token, then
Auth0(domain, token) as a backend drives a real tenant: create a user, find it with `q`,
create a role with an API permission, assign it, read the permissions, import users from a
file and poll the job; then a password-grant login of the new user carries the role in its
Hasura claims. A token without read:users is refused (Auth0Error insufficient_scope).

auth0-python's management clients speak https only: run against a --tls mock with
REQUESTS_CA_BUNDLE naming its CA. Env: MOCK_BASE_URL (https://localhost:PORT).
Run with tests/clients/.venv/bin/python.
"""

import io
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "py"))

from auth0.authentication import GetToken  # noqa: E402
from auth0.management import Auth0  # noqa: E402

from common import (  # noqa: E402
    AUDIENCE, HASURA_NS, M2M, REALM, WEB, Env, Runner, check, details, eq, refused, token_request, unique_email,
    unverified,
)

env = Env()
r = Runner("auth0-python (management)")
check(env.scheme == "https", f"auth0-python's management clients need https; MOCK_BASE_URL is {env.base_url}")
management_audience = f"https://{env.domain}/api/v2/"
m2m = GetToken(env.domain, M2M["client_id"], client_secret=M2M["client_secret"])
token = m2m.client_credentials(management_audience)["access_token"]
auth0 = Auth0(env.domain, token)
email = unique_email("py-mgmt")
password = "Backend-made-passw0rd!"
state = {}


def create_user():
    user = auth0.users.create({"email": email, "password": password, "connection": REALM,
                               "app_metadata": {"plan": "team"}})
    check(user["user_id"].startswith("auth0|"), "user_id should start with auth0|", user=user)
    state["user"] = user


def search():
    found = auth0.users.list(q=f'email:"{email}" AND app_metadata.plan:team', search_engine="v3")
    eq(found["total"], 1, "total", found=found)
    eq(found["users"][0]["user_id"], state["user"]["user_id"], "user_id", found=found)


def make_role():
    role = auth0.roles.create({"name": f"py-backend-{os.urandom(3).hex()}", "description": "made by auth0-python"})
    check(role["id"].startswith("rol_"), "role id should start with rol_", role=role)
    auth0.roles.add_permissions(role["id"], [{"permission_name": "write:users", "resource_server_identifier": AUDIENCE}])
    state["role"] = role


def assign():
    auth0.users.add_roles(state["user"]["user_id"], [state["role"]["id"]])
    roles = auth0.users.list_roles(state["user"]["user_id"])
    eq([x["name"] for x in roles["roles"]], [state["role"]["name"]], "roles", roles=roles)
    perms = auth0.users.list_permissions(state["user"]["user_id"])
    eq([p["permission_name"] for p in perms["permissions"]], ["write:users"], "permissions", perms=perms)


def import_users():
    imported = unique_email("py-import")
    connection = auth0.connections.all(strategy="auth0")[0]
    file_obj = io.BytesIO(json.dumps([{"email": imported, "email_verified": True}]).encode())
    job = auth0.jobs.import_users(connection["id"], file_obj, upsert=False, send_completion_email=False)
    for _ in range(20):
        if job["status"] != "pending":
            break
        job = auth0.jobs.get(job["id"])
    eq(job["status"], "completed", "job status", job=job)
    eq(job["summary"]["inserted"], 1, "inserted", job=job)
    eq(len(auth0.users_by_email.search_users_by_email(imported)), 1, "the imported user is there")


def login_carries_role():
    web = GetToken(env.domain, WEB["client_id"], client_secret=WEB["client_secret"])
    tokens = web.login(username=email, password=password, realm=REALM, audience=AUDIENCE, scope="openid")
    claims = unverified(tokens["access_token"])["payload"]
    hasura = claims.get(HASURA_NS, {})
    check(state["role"]["name"] in hasura.get("x-hasura-allowed-roles", []),
          "x-hasura-allowed-roles should include the new role", claims=claims)


def scope_refused():
    # auth0-python's client_credentials takes no scope: ask /oauth/token for a narrow token directly.
    narrow = token_request(env, {
        "grant_type": "client_credentials", "client_id": M2M["client_id"], "client_secret": M2M["client_secret"],
        "audience": management_audience, "scope": "read:roles",
    })
    e = refused("users.list with read:roles only", lambda: Auth0(env.domain, narrow["access_token"]).users.list())
    eq(e.status_code, 403, "status", **details(e))
    eq(e.error_code, "insufficient_scope", "error code", **details(e))
    eq(e.message, "Insufficient scope, expected any of: read:users", "message", **details(e))


r.step("users.create makes a database user", create_user)
r.step("users.list(q=…, search_engine='v3') finds it", search)
r.step("roles.create and roles.add_permissions", make_role)
r.step("users.add_roles, then list_roles and list_permissions show it", assign)
r.step("jobs.import_users with a file, then jobs.get until completed", import_users)
r.step("a password-grant login of the new user carries the role in its Hasura claims", login_carries_role)
r.step("a token without read:users is refused with insufficient_scope", scope_refused)
r.done()
