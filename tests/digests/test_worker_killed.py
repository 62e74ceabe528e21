"""A worker process killed mid-edition: the edition resumes, nobody is skipped, nobody doubled."""

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from briefings.digests.models import Delivery, Edition
from config.celery import app
from tests.digests.factories import SubscriberFactory
from tests.factories import BriefingFactory
from tests.support import wait_until

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.worker  # starts a `celery worker` subprocess itself


def children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def test_killed_worker_resumes_without_resending_or_skipping(smtp_server, transactional_db):
    BriefingFactory(headline="The pact is signed")
    addresses = [SubscriberFactory(email=f"k{n}@mail.example").email for n in range(40)]
    accept = smtp_server.handle_DATA

    async def slow_data(server, session, envelope):
        await asyncio.sleep(0.05)  # a slow relay, so the kill lands mid-chunk
        return await accept(server, session, envelope)

    smtp_server.handle_DATA = slow_data
    queue = f"test-killed-{uuid.uuid4().hex[:8]}"
    options = {**connection.settings_dict, "PORT": connection.settings_dict["PORT"] or 5432}
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**options),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "SITE_URL": "https://desk.example",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "-Q",
            queue,
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: children(worker.pid), timeout=60)
        app.send_task("digests.start_edition", args=["daily"], queue=queue)
        wait_until(lambda: len(smtp_server.messages) >= 8, timeout=60)
        # The pool child sending right now, read at the moment of the kill.
        victim = children(worker.pid)[0]
        os.kill(victim, signal.SIGKILL)
        wait_until(lambda: children(worker.pid) and children(worker.pid)[0] != victim)
        wait_until(lambda: Edition.objects.filter(completed_at__isnull=False).exists(), timeout=90)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    received = Counter(r for _, rcpts, _ in smtp_server.messages for r in rcpts)
    assert sorted(received) == sorted(addresses)  # nobody skipped
    doubled = [address for address, n in received.items() if n > 1]
    # At most the one message in flight when the process died goes twice, and with the same
    # Message-ID, which receiving servers recognise as one message.
    assert len(doubled) <= 1
    for address in doubled:
        ids = {m["Message-ID"] for _, rcpts, m in smtp_server.messages if address in rcpts}
        assert len(ids) == 1
    assert Delivery.objects.filter(state="sent").count() == 40
