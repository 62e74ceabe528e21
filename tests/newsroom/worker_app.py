"""The real Celery app, for worker and beat subprocesses started by the scheduling tests.

It adds only what a test needs to observe or interrupt a worker, switched on by environment:
TEST_QUEUE routes everything to the test's own queue; TEST_SIGNAL_KEY records each
`briefing_published` ("<briefing id> <unix time>") in a Redis list the test reads;
TEST_PAUSE_MARKER makes the worker stop inside the publication transaction (after the status
row is written, before commit), write the marker file and wait there to be killed.
"""

import os
import pathlib
import time

import redis
from django.db.models.signals import post_save

from briefings.newsroom.signals import briefing_published
from config.celery import app

if os.environ.get("TEST_QUEUE"):
    app.conf.task_default_queue = os.environ["TEST_QUEUE"]


def record_signal(sender, briefing, **kwargs):
    client = redis.Redis.from_url(app.conf.broker_url)
    client.rpush(os.environ["TEST_SIGNAL_KEY"], f"{briefing.pk} {time.time()}")


def pause_mid_publication(sender, instance, update_fields=None, **kwargs):
    if instance.status == "published" and update_fields and "status" in update_fields:
        pathlib.Path(os.environ["TEST_PAUSE_MARKER"]).write_text(str(instance.pk))
        time.sleep(3600)


if os.environ.get("TEST_SIGNAL_KEY"):
    briefing_published.connect(record_signal, dispatch_uid="test-record-signal")
if os.environ.get("TEST_PAUSE_MARKER"):
    post_save.connect(pause_mid_publication, sender="newsroom.Briefing", weak=False)

__all__ = ["app"]
