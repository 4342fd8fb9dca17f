"""The client's HTTP details, against a stand-in server that records what it is sent."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pytest_auth0_mock import Auth0Mock, Auth0MockError, StartupError


@pytest.fixture
def stand_in():
    """A server answering every request with `reply` (status, JSON body) and keeping the
    requests' headers in `seen`."""
    seen = []
    reply = {"status": 200, "body": {}}

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            seen.append(dict(self.headers))
            data = json.dumps(reply["body"]).encode()
            self.send_response(reply["status"])
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    mock = Auth0Mock(f"http://127.0.0.1:{server.server_port}")
    mock.seen, mock.reply = seen, reply
    yield mock
    server.shutdown()
    server.server_close()


def test_control_calls_send_the_control_token(stand_in, monkeypatch):
    monkeypatch.setenv("AUTH0_MOCK_CONTROL_TOKEN", "s3cret")
    stand_in.reset()
    assert stand_in.seen[-1]["Authorization"] == "Bearer s3cret"


def test_control_calls_send_no_authorization_without_the_token(stand_in, monkeypatch):
    monkeypatch.delenv("AUTH0_MOCK_CONTROL_TOKEN", raising=False)
    stand_in.reset()
    assert "Authorization" not in stand_in.seen[-1]


def test_management_api_error_shape_raises_with_its_code_and_message(stand_in):
    stand_in.reply.update(
        status=404,
        body={
            "statusCode": 404,
            "error": "Not Found",
            "message": "The user does not exist.",
            "errorCode": "inexistent_user",
        },
    )
    with pytest.raises(Auth0MockError) as e:
        stand_in.control("GET", "/api/v2/users/nobody")
    assert (e.value.status, e.value.error, e.value.error_description) == (
        404,
        "inexistent_user",
        "The user does not exist.",
    )


def test_domain_is_the_issuers_host_and_port():
    assert Auth0Mock("http://localhost:4455", "http://auth0.test:4455/").domain == "auth0.test:4455"


def test_attach_to_an_unreachable_url_names_it():
    with pytest.raises(StartupError, match=r"GET http://127\.0\.0\.1:9/healthz"):
        Auth0Mock.attach("http://127.0.0.1:9", timeout=0.3)
