"""PostgreSQL crashes mid-edition: the edition resumes once it is back, nobody is skipped, and
nobody gets the digest twice beyond the in-flight window (the marks not yet committed).

The cluster is the test's own (initdb in a temporary folder, a free loopback port), stopped
with `pg_ctl stop -m immediate`: no shutdown checkpoint, recovery from the WAL on restart, so
only what was committed durably survives. The SMTP server is fast here, as a relay is: a
fraction of a second of marks is then many more messages than one batch of marks, so marks
committed without waiting for the disk would resend more than the window allows.
"""

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from tests.benchmarks.support import free_port
from tests.digests.processes import ROOT, Worker, assert_once_each_within_window
from tests.support import wait_until

pytestmark = pytest.mark.worker  # starts its own PostgreSQL and `celery worker` subprocesses

SUBSCRIBERS = 600
PG_BIN = max(glob.glob("/usr/lib/postgresql/*/bin"), default=None)

SEED = f"""
import django
django.setup()
from tests.digests.factories import SubscriberFactory
from tests.factories import BriefingFactory
BriefingFactory(headline="The pact is signed")
for n in range({SUBSCRIBERS}):
    SubscriberFactory(email=f"c{{n}}@mail.example")
"""


class Cluster:
    """A throwaway PostgreSQL cluster; as root, its programs run as the postgres user."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="digest-crash-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_user = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync")

    def run(self, program, *args):
        subprocess.run(
            [*self.as_user, f"{PG_BIN}/{program}", *map(str, args)],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self):
        # A WAL writer that wakes rarely: what a commit did not flush itself is lost in a crash.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c wal_writer_delay=10s -c wal_writer_flush_after=0"
        )
        self.run("pg_ctl", "-D", self.data, "-l", self.folder / "log", "-o", options, "-w", "start")

    def crash(self):
        self.run("pg_ctl", "-D", self.data, "-m", "immediate", "stop")

    def destroy(self):
        subprocess.run(
            [*self.as_user, f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def settings(self):
        return {"USER": "postgres", "HOST": "127.0.0.1", "PORT": self.port, "NAME": "briefings"}

    def query(self, sql):
        """One value, or None while the server is down or recovering."""
        url = f"postgres://postgres@127.0.0.1:{self.port}/en/briefings"
        try:
            with psycopg.connect(url, connect_timeout=2) as conn:
                return conn.execute(sql).fetchone()[0]
        except psycopg.OperationalError:
            return None


@pytest.fixture
def cluster():
    if PG_BIN is None:
        pytest.skip("PostgreSQL's server programs are not installed")
    cluster = Cluster()
    try:
        cluster.start()
        cluster.run(
            "createdb", "-h", "127.0.0.1", "-p", cluster.port, "-U", "postgres", "briefings"
        )
        yield cluster
    finally:
        cluster.destroy()


def test_database_crash_mid_edition_resends_at_most_the_window(smtp_server, cluster, tmp_path):
    worker = Worker(smtp_server, cluster.settings, tmp_path)
    env = {**worker.env, "DJANGO_SETTINGS_MODULE": "config.settings"}
    for command in (["manage.py", "migrate", "--no-input", "-v", "0"], ["-c", SEED]):
        subprocess.run([sys.executable, *command], cwd=ROOT, env=env, check=True, timeout=120)
    addresses = [f"c{n}@mail.example" for n in range(SUBSCRIBERS)]
    worker.start()
    try:
        from config.celery import app

        app.send_task("digests.start_edition", args=["daily"], queue=worker.queue)
        wait_until(lambda: len(smtp_server.messages) >= 100, timeout=60)
        cluster.crash()
        crashed_at = len(smtp_server.messages)
        cluster.start()
        wait_until(
            lambda: cluster.query(
                "SELECT count(*) FROM digests_edition WHERE completed_at IS NOT NULL"
            ),
            timeout=90,
            interval=0.2,
            message="the edition to complete after the crash",
        )
    finally:
        worker.stop()

    assert crashed_at < SUBSCRIBERS  # the crash did land mid-edition
    doubled = assert_once_each_within_window(smtp_server.messages, addresses)
    sent = cluster.query("SELECT count(*) FROM digests_delivery WHERE state = 'sent'")
    assert sent == SUBSCRIBERS
    print(f"crash after {crashed_at} messages; {len(doubled)} resent")
