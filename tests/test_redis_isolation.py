"""The suite never touches the development site's Redis: its cache or its broker.

`_fresh_cache` empties the cache database before every test, and tests enqueue tasks a
development worker would run against the wrong database; both must happen elsewhere.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from config.celery import app as celery_app
from tests.conftest import DEV_REDIS, TEST_REDIS

ROOT = Path(__file__).resolve().parent.parent
# config/settings.py's defaults: what `make run` uses when nothing is set.
DEFAULT_CACHE = "redis://127.0.0.1:6379/1"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


def test_the_session_uses_its_own_cache_and_broker():
    location = settings.CACHES["default"]["LOCATION"]
    broker = settings.CELERY_BROKER_URL
    assert location == TEST_REDIS["cache"]
    assert broker == celery_app.conf.broker_url == TEST_REDIS["broker"]
    assert location not in {DEFAULT_CACHE, DEFAULT_BROKER, DEV_REDIS["cache"], DEV_REDIS["broker"]}
    assert broker not in {DEFAULT_CACHE, DEFAULT_BROKER, DEV_REDIS["cache"], DEV_REDIS["broker"]}
    assert location != broker  # clearing the cache must not flush queued tasks
    assert settings.CACHES["default"]["KEY_PREFIX"] == TEST_REDIS["key_prefix"] != "briefings"
    # The cache really talks to that database, not to one resolved before the override.
    pool = cache._cache.get_client(write=True).connection_pool
    assert f"/{pool.connection_kwargs.get('db', 0)}" == "/" + location.rsplit("/", 1)[1]


def test_subprocesses_get_the_same_cache_and_broker():
    """Worker and beat subprocesses read config/settings.py from the environment they inherit."""
    code = (
        "import json; from django.conf import settings; from config.celery import app; "
        "print(json.dumps([settings.CACHES['default']['LOCATION'], "
        "settings.CACHES['default']['KEY_PREFIX'], settings.CELERY_BROKER_URL, "
        "app.conf.broker_url]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == [
        TEST_REDIS["cache"],
        TEST_REDIS["key_prefix"],
        TEST_REDIS["broker"],
        TEST_REDIS["broker"],
    ]
