"""/healthz and /readyz against the real services, and with each of them unreachable; the
numbers operations watch (publication lag, digest progress) in the logs."""

import datetime
import json
import logging
import socket

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from briefings.digests import editions
from briefings.logs import JSONFormatter
from briefings.newsroom.models import Briefing
from tests.digests.factories import SubscriberFactory
from tests.factories import BriefingFactory

pytestmark = pytest.mark.django_db


def closed_port():
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def readyz(client=None):
    response = (client or Client()).get("/readyz")
    return response, json.loads(response.content)


def test_healthz_answers_whatever_the_host_and_is_never_cached(client):
    response = client.get("/healthz", HTTP_HOST="10.20.30.40:8000")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert client.head("/healthz/").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_readyz_with_every_dependency_up(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response, body = readyz()
    assert response.status_code == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}
    assert response["Cache-Control"] == "no-store"


def test_readyz_names_an_unreachable_broker_and_leaks_nothing(settings):
    port = closed_port()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    response, body = readyz()
    assert response.status_code == 503
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "unavailable"}
    text = response.content.decode()
    assert str(port) not in text and "refused" not in text.lower()


def test_readyz_answers_while_the_cache_is_down(settings):
    """The page cache reads Redis first on every GET; the probe must get past it to say so."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
        },
    }
    response, body = readyz()
    assert response.status_code == 503
    assert body["checks"] == {"database": "ok", "cache": "unavailable", "broker": "ok"}


@pytest.mark.django_db(transaction=True)
def test_readyz_names_an_unreachable_database():
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port()
    try:
        response, body = readyz()
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert response.status_code == 503
    assert body["checks"]["database"] == "unavailable"
    assert body["checks"]["cache"] == "ok"


def test_probes_skip_the_https_redirect_pages_do_not(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 301


def test_probes_are_in_no_sitemap_or_page(client):
    for url in ["/sitemap.xml", "/robots.txt", "/en/"]:
        text = client.get(url).content.decode()
        assert "healthz" not in text and "readyz" not in text


def numbers_logged(caplog, logger, message):
    return [r for r in caplog.records if r.name == logger and message in r.getMessage()]


def test_publication_lag_is_logged_as_a_number(caplog):
    briefing = BriefingFactory(
        status=Briefing.Status.SCHEDULED,
        publish_at=timezone.now() - datetime.timedelta(seconds=5),
        first_published_at=None,
    )
    with caplog.at_level(logging.INFO, logger="briefings.newsroom"):
        Briefing.objects.filter(pk=briefing.pk).publish_due(via="sweep")
    [record] = numbers_logged(caplog, "briefings.newsroom.models.briefing", "Published briefing")
    entry = json.loads(JSONFormatter().format(record))
    assert entry["briefing"] == briefing.pk and entry["via"] == "sweep"
    assert 5 <= entry["publication_lag_seconds"] < 60


def test_digest_progress_is_logged_as_numbers(smtp_server, settings, caplog):
    settings.DIGEST_CHUNK_SIZE = 2
    settings.DIGEST_HARD_BOUNCE_LIMIT = 5
    BriefingFactory(headline="Ministers meet in Ottawa")
    readers = [SubscriberFactory(email=f"reader{n}@mail.example") for n in range(3)]
    smtp_server.refuse = None
    edition = editions.start_edition("daily")
    chunks = list(edition.chunks.order_by("first_id"))
    assert len(chunks) == 2
    with caplog.at_level(logging.INFO, logger="briefings.digests"):
        for chunk in chunks:
            editions.send_chunk(chunk.pk)
    smtp_server.wait_for(len(readers))
    records = numbers_logged(caplog, "briefings.digests.editions", f"Digest {edition.pk}:")
    entries = [json.loads(JSONFormatter().format(r)) for r in records]
    assert [(e["chunk_sent"], e["chunks_done"], e["edition_sent"]) for e in entries] == [
        (2, 1, 2),
        (1, 2, 3),
    ]
    assert all(e["chunks_total"] == 2 and e["chunk_failed"] == 0 for e in entries)
    assert all(isinstance(e["chunk_seconds"], float) for e in entries)
