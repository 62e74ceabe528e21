"""The client's address behind any number of trusted proxies, and the request id."""

import json
import logging

import pytest
from django.test import RequestFactory

from briefings.digests.ratelimits import client_key
from briefings.http import client_ip
from briefings.logs import JSONFormatter, RequestIdFilter


def request(remote="10.0.0.1", forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "client"),
    [
        (0, "203.0.113.9", None, "203.0.113.9"),
        (0, "203.0.113.9", "198.51.100.7", "203.0.113.9"),  # no proxy: the header is forged
        (1, "10.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.1", "198.51.100.7, 203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.1", "198.51.100.7,203.0.113.9", "203.0.113.9"),
        (2, "10.0.0.2", "198.51.100.7, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "10.0.0.2", "203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, "10.0.0.1", "2001:db8::1", "2001:db8::1"),
        # Fewer entries than proxies: the request bypassed one, so the header proves nothing.
        (2, "203.0.113.9", "198.51.100.7", "203.0.113.9"),
        (1, "10.0.0.1", "", "10.0.0.1"),
        (1, "10.0.0.1", "not-an-address", "10.0.0.1"),
        (1, "10.0.0.1", "203.0.113.9\x00", "10.0.0.1"),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, client):
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(request(remote, forwarded)) == client


def test_ipv6_clients_share_a_bucket_per_64(settings):
    settings.TRUSTED_PROXIES = 0
    one = client_key(request("2001:db8:1:2::1"))
    assert one == client_key(request("2001:db8:1:2:ffff::9")) == "2001:db8:1:2::/64"
    assert one != client_key(request("2001:db8:1:3::1"))
    assert client_key(request("::ffff:203.0.113.9")) == "203.0.113.9"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("3f2b8c1e-5a6d-4e7f-9a0b-1c2d3e4f5a6b", True),
        ("lb-7f3a9c2e11d4", True),
        ("short", False),
        ("x" * 200, False),
        ("abc def ghi jkl", False),
        ("abcdefgh\r\nSet-Cookie: x=1", False),
        ("", False),
    ],
)
def test_request_id_is_kept_only_when_well_formed(client, incoming, kept):
    response = client.get("/robots.txt", HTTP_X_REQUEST_ID=incoming)
    rid = response["X-Request-ID"]
    assert (rid == incoming) is kept
    if not kept:
        assert len(rid) == 32 and int(rid, 16) >= 0


@pytest.mark.django_db
def test_logs_carry_the_request_id_and_client(client, settings, caplog):
    """A record logged while a request is served carries its id and address, as JSON fields."""
    settings.TRUSTED_PROXIES = 1
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(
            "/no-such-page/",
            HTTP_X_REQUEST_ID="req-0123456789",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    assert response.status_code == 404
    record = next(r for r in caplog.records if r.name == "django.request")
    entry = json.loads(JSONFormatter().format(record))
    assert entry["request_id"] == "req-0123456789"
    assert entry["client"] == "203.0.113.9"
    assert entry["level"] == "WARNING"
    assert entry["status_code"] == 404
    assert "Not Found" in entry["message"]


def test_json_lines_hold_extra_numbers_and_exceptions():
    logger = logging.getLogger("briefings.test")
    record = logger.makeRecord(
        "briefings.test",
        logging.INFO,
        __file__,
        1,
        "published",
        (),
        None,
        extra={"lag_seconds": 1.25, "briefing": 7},
    )
    RequestIdFilter().filter(record)
    entry = json.loads(JSONFormatter().format(record))
    assert entry["lag_seconds"] == 1.25 and entry["briefing"] == 7
    assert "request_id" not in entry  # outside a request
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        failed = logger.makeRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert "ValueError: boom" in json.loads(JSONFormatter().format(failed))["exception"]
