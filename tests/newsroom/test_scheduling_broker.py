"""A broker crash in the middle of a schedule: the briefing still goes out, exactly once.

The shared Redis is never touched: this test runs a private `redis-server` (no persistence,
like a crashed cache node) and kills it with SIGKILL while a worker holds a publication
message for later. Beat reconnects by itself. A worker holding an unacknowledged message
can die on the lost connection (kombu 5.7 fails restoring it: "Unrecoverable error:
AttributeError(... 'hostname')"), so workers run under a supervisor that restarts them; the
test plays that supervisor, and the sweep publishes what the dead worker held.
"""

import pytest
import redis
from django.utils import timezone
from kombu import Connection

from briefings.newsroom.models import Briefing
from briefings.newsroom.tasks import publish_scheduled
from config.celery import app as celery_app
from tests.factories import DraftFactory, editor
from tests.newsroom.test_scheduling import (  # noqa: F401  (fixtures)
    Stack,
    published_transitions,
    roles,
    schedule,
    seconds,
)
from tests.support import wait_until

# Worker and beat subprocesses, and a redis-server of its own.
pytestmark = [pytest.mark.usefixtures("roles"), pytest.mark.worker]


@pytest.fixture
def stack(transactional_db, tmp_path, broker):
    stack = Stack(tmp_path)
    stack.env["CELERY_BROKER_URL"] = broker.url
    stack.redis = redis.Redis.from_url(broker.url)
    previous = celery_app.conf.task_default_queue
    # transition() enqueues on the shared broker, to a queue nobody reads; the test sends the
    # message the private broker carries itself.
    celery_app.conf.task_default_queue = f"{stack.queue}-void"
    yield stack
    celery_app.conf.task_default_queue = previous
    stack.stop()
    redis.Redis.from_url(celery_app.conf.broker_url).delete(f"{stack.queue}-void")


def test_broker_restart_while_a_publication_waits(stack, broker):
    worker = stack.worker("survivor")
    stack.beat()
    briefing = DraftFactory(status=Briefing.Status.REVIEW)
    boss = editor()
    when = timezone.now() + seconds(4)
    schedule(briefing, when, boss)
    with Connection(broker.url) as connection:
        publish_scheduled.apply_async(
            (briefing.pk, when.isoformat()), eta=when, queue=stack.queue, connection=connection
        )
    wait_until(
        lambda: "publish_scheduled[" in stack.log("survivor"), timeout=10, message="received"
    )

    broker.crash()  # the held message's broker copy is gone with it
    assert timezone.now() < when, "the restart must happen before the publication time"
    broker.start()

    def worker_running_or_replaced():
        if worker.poll() is None:
            return "survived"
        stack.processes.pop("survivor", None)
        stack.worker("replacement")  # what systemd's Restart=always does
        return "replaced"

    wait_until(
        lambda: "Connection to broker lost" in stack.log("survivor"), timeout=10, message="loss"
    )
    wait_until(
        lambda: (
            "Connected to" in stack.log("survivor").split("Connection to broker lost")[-1]
            or worker.poll() is not None
        ),
        timeout=15,
        message="the worker to reconnect or exit",
    )
    outcome = worker_running_or_replaced()
    (record,) = wait_until(
        lambda: published_transitions(briefing), timeout=30, message="publication after restart"
    )
    assert record.at >= when, outcome
    wait_until(stack.signals, timeout=5, message="the signal")
    assert stack.signals() == [briefing.pk]
    # Still exactly one after several more sweeps from the reconnected beat.
    name = "survivor" if outcome == "survived" else "replacement"
    sweeps = stack.log(name).count("publish_overdue[")
    wait_until(
        lambda: stack.log(name).count("publish_overdue[") >= sweeps + 4,
        timeout=15,
        message="more sweeps",
    )
    assert len(published_transitions(briefing)) == 1
    assert stack.signals() == [briefing.pk]
