"""What the benchmark scripts share: their own database and a free local port; and how the
suite runs each of them at a tiny size."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql


def ensure_database(url, *, fresh):
    """Create the database `url` names if missing; drop it first when `fresh`."""
    cfg = dj_database_url.parse(url)
    with psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        name = sql.Identifier(cfg["NAME"])
        if fresh:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if not exists.fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_at_tiny_size(script, timeout):
    """Run a benchmark script as `make bench` would, at --size tiny; fail on a non-zero exit."""
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name(script)), "--size", "tiny"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
