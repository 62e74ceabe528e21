"""A "Publish now" while the broker is unreachable: public at once, its alerts sent once later.

Real processes only: a private `redis-server` as the broker (stopped and started again on the
same port), worker and beat subprocesses on it, a real SMTP server in this process. This
process's Celery app is pointed at the private broker too, so the publishing transaction's
on-commit enqueue meets the dead broker exactly as a web process would.
"""

import logging
import os

import pytest
import redis
from django.utils import timezone

from briefings.digests.models import Alert
from briefings.newsroom.models import Briefing, Outbox
from config.celery import app as celery_app
from tests.digests.factories import SubscriberFactory
from tests.factories import AgreementFactory, DraftFactory, editor
from tests.newsroom.test_scheduling import Stack, roles  # noqa: F401  (fixtures)
from tests.support import wait_until

pytestmark = [pytest.mark.usefixtures("roles"), pytest.mark.worker]


def point_celery_at(url):
    """Make this process publish to `url`. Celery prefers CELERY_BROKER_URL from the
    environment to its conf, and keeps its broker pools once built."""
    os.environ["CELERY_BROKER_URL"] = celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def stack(transactional_db, tmp_path, broker, smtp_server):
    stack = Stack(tmp_path)
    stack.env.update(
        CELERY_BROKER_URL=broker.url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port),
        SITE_URL="https://desk.example",
    )
    stack.redis = redis.Redis.from_url(broker.url)
    previous = celery_app.conf.task_default_queue, celery_app.conf.broker_url
    celery_app.conf.task_default_queue = stack.queue
    point_celery_at(broker.url)
    yield stack
    celery_app.conf.task_default_queue = previous[0]
    point_celery_at(previous[1])
    stack.stop()


def test_publish_now_with_the_broker_down_sends_its_alert_once_it_is_back(
    stack, broker, smtp_server, caplog
):
    pact = AgreementFactory(slug="pact")
    fan = SubscriberFactory(
        email="fan@mail.example", follow_all=False, agreements=[pact], instant_alerts=True
    )
    SubscriberFactory(email="daily@mail.example", follow_all=False, agreements=[pact])
    briefing = DraftFactory(status=Briefing.Status.REVIEW, headline="The pact is ratified")
    briefing.agreements.add(pact)
    worker = stack.worker("worker")
    stack.beat()

    broker.crash()
    began = timezone.now()
    with caplog.at_level(logging.WARNING, logger="briefings.newsroom.receivers"):
        briefing.transition(Briefing.Status.PUBLISHED, by=editor())
    assert (timezone.now() - began).total_seconds() < 2, "Publish now waited on the broker"
    assert "the sweep will dispatch it" in caplog.text
    assert Briefing.objects.published().filter(pk=briefing.pk).exists()
    entry = Outbox.objects.get(briefing=briefing)
    assert entry.done_at is None
    assert smtp_server.messages == []

    broker.start()  # the same port; nothing of the old broker survived
    if worker.poll() is not None:  # kombu can exit on a lost connection: restart it
        stack.processes.pop("worker")
        stack.worker("replacement")

    wait_until(
        lambda: Outbox.objects.filter(pk=entry.pk, done_at__isnull=False).exists(),
        timeout=30,
        message="the sweep to dispatch the entry",
    )
    [message] = smtp_server.wait_for(1, timeout=30)
    assert message["Subject"] == f"Alert: {briefing.headline}"
    assert message["Message-ID"] == f"<alert.{briefing.pk}.{fan.pk}@briefings.example>"
    wait_until(stack.signals, timeout=5, message="the signal")

    # Exactly once, still, after several more sweeps of the outbox.
    name = next(iter(stack.processes.keys() - {"beat"}))
    sweeps = stack.log(name).count("dispatch_outbox_due[")
    wait_until(
        lambda: stack.log(name).count("dispatch_outbox_due[") >= sweeps + 6,
        timeout=20,
        message="more sweeps",
    )
    assert [r for _, rcpts, _ in smtp_server.messages for r in rcpts] == ["fan@mail.example"]
    assert list(Alert.objects.values_list("subscriber", "state")) == [(fan.pk, "sent")]
    assert stack.signals() == [briefing.pk]
    entry.refresh_from_db()
    assert entry.attempts == 1
