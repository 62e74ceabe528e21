"""/healthz and /readyz, for the load balancer and the orchestrator.

Answered by a middleware placed before the page cache, sessions and host checks, so a probe
needs no Host the site knows and works while Redis, which the page cache reads first, is down:
that is exactly when /readyz must say so. Neither is cached, linked or in the sitemap, and
neither says more than which dependency failed (the error goes to the log, not the probe).
"""

import json
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseNotAllowed
from kombu import Connection

log = logging.getLogger(__name__)

PATHS = {"/healthz", "/healthz/", "/readyz", "/readyz/"}
TIMEOUT = 2  # seconds a probe may wait for each dependency


def database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def redis_cache():
    cache.set("ops:readyz", 1, timeout=10)
    if cache.get("ops:readyz") != 1:
        raise RuntimeError("the cache did not keep a value")


def broker():
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=TIMEOUT)


CHECKS = {"database": database, "cache": redis_cache, "broker": broker}


def readiness():
    """{name: "ok" | "unavailable"} for every dependency, and the milliseconds each took."""
    status, timings = {}, {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception:
            log.exception("readiness check failed", extra={"dependency": name})
            status[name] = "unavailable"
        else:
            status[name] = "ok"
        timings[name] = round((time.monotonic() - started) * 1000, 1)
    return status, timings


def answer(body, status):
    response = HttpResponse(json.dumps(body), content_type="application/json", status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if request.path.startswith("/healthz"):
            return answer({"status": "ok"}, 200)
        checks, timings = readiness()
        ready = all(value == "ok" for value in checks.values())
        if not ready:
            log.warning("not ready", extra={"checks": checks, "timings_ms": timings})
        return answer(
            {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503
        )
