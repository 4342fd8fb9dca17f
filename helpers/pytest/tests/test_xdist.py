"""`-n 2`: every xdist worker starts its own mock."""

RECORD_BASE_URL = """
from pathlib import Path

def record(auth0_mock, worker_id):
    Path({seen!r}, worker_id).write_text(auth0_mock.base_url)

def test_one(auth0_mock, worker_id):
    record(auth0_mock, worker_id)

def test_two(auth0_mock, worker_id):
    record(auth0_mock, worker_id)
"""


def test_each_xdist_worker_gets_its_own_mock(pytester, mock_bin):
    seen = pytester.mkdir("seen")
    pytester.makepyfile(RECORD_BASE_URL.format(seen=str(seen)))
    result = pytester.runpytest_subprocess(
        "-n", "2", "-p", "no:cacheprovider", "--auth0-mock-bin", mock_bin, timeout=120
    )
    result.assert_outcomes(passed=2)
    urls = {p.name: p.read_text() for p in seen.iterdir()}
    assert sorted(urls) == ["gw0", "gw1"]
    assert urls["gw0"] != urls["gw1"]
