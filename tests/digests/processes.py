"""Real worker processes for the fault tests: a Celery worker (with its own beat, so the
resume task runs as in production) started in a process group of its own, to be SIGKILLed."""

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

from briefings.digests.editions import MARK_BATCH

ROOT = Path(__file__).resolve().parents[2]


def database_url(options):
    password = options.get("PASSWORD") or ""
    auth = f"{options['USER']}:{password}" if password else options["USER"]
    return f"postgres://{auth}@{options['HOST']}:{options['PORT'] or 5432}/{options['NAME']}"


def children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


class Worker:
    """`celery worker` (prefork, one process) on a queue of its own, optionally with beat."""

    def __init__(self, smtp_server, database, folder, queue=None):
        self.queue = queue or f"test-fault-{uuid.uuid4().hex[:8]}"
        self.folder = Path(folder)
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(database),
            "DATABASE_CONN_MAX_AGE": "0",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_server.port),
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "SITE_URL": "https://desk.example",
            "DIGEST_CATCH_UP_HOURS": "0",  # the beat's tick starts no edition of its own
            "DIGEST_RETRY_BACKOFF": "0.5",
        }
        self.process = None
        self.starts = 0

    def start(self, beat=True):
        self.starts += 1
        beat_args = ["-B", "-s", str(self.folder / f"beat-{self.starts}")] if beat else []
        self.process = subprocess.Popen(
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
                self.queue,
                "-l",
                "warning",
                "--without-gossip",
                "--without-mingle",
                *beat_args,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder / f"worker-{self.starts}.log", "wb"),  # noqa: SIM115
            start_new_session=True,
        )
        return self.process

    def kill(self):
        """SIGKILL the whole process group: main process, pool child and beat die together."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


def slow_down(mailbox, seconds):
    """A slow relay, so a kill lands in the middle of a run."""
    accept = mailbox.handle_DATA

    async def slow_data(server, session, envelope):
        await asyncio.sleep(seconds)
        return await accept(server, session, envelope)

    mailbox.handle_DATA = slow_data


def assert_once_each_within_window(messages, addresses):
    """Everybody got the message; a few got it twice, never more than one batch of marks
    (MARK_BATCH), and a repeat always carries the Message-ID of the first copy."""
    received = Counter(r for _, rcpts, _ in messages for r in rcpts)
    assert sorted(received) == sorted(addresses)  # nobody skipped
    doubled = [address for address, n in received.items() if n > 1]
    assert all(received[address] == 2 for address in doubled)
    assert len(doubled) <= MARK_BATCH
    for address in doubled:
        assert len({m["Message-ID"] for _, rcpts, m in messages if address in rcpts}) == 1
    return doubled
