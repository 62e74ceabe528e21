"""Where an uncached page's time goes: SQL, the ORM, templates and the rest.

    python tests/benchmarks/breakdown.py REQUESTS name=path [name=path ...]

bench_site.py runs it in a process of its own with the server's settings (DEBUG off), after
the load test. It calls the WSGI application directly, one request at a time, each with a
fresh query string so the page cache never answers, and times every SQL statement (driver
and round trip included), the ORM's fetching around it (compiling the query, turning
rows into objects, prefetching), and every template render, each net of the others: a lazy
queryset a template runs counts as SQL and ORM, not template. "Other" is the rest: middleware,
the view's own code, building querysets.
"""

import sys
import time

import django


class Meter:
    """Time spent in SQL, in the ORM around it, and in templates, each net of the others."""

    def __init__(self):
        self.reset()
        self.inside = set()

    def reset(self):
        self.spent = {"sql": 0.0, "orm": 0.0, "templates": 0.0}
        self.queries = 0

    def execute(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.spent["sql"] += time.perf_counter() - start
            self.queries += 1

    def timed(self, part, function):
        """`function`, its time added to `part` less what the parts it calls took."""

        def timed_call(*args, **kwargs):
            if part in self.inside:
                return function(*args, **kwargs)
            self.inside.add(part)
            before, start = dict(self.spent), time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.inside.discard(part)
                nested = sum(self.spent[k] - before[k] for k in self.spent if k != part)
                self.spent[part] += time.perf_counter() - start - nested

        return timed_call


def main():
    requests, pages = int(sys.argv[1]), dict(arg.split("=", 1) for arg in sys.argv[2:])
    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.db.models.query import QuerySet
    from django.template.backends.django import Template
    from django.test import RequestFactory

    meter = Meter()
    QuerySet._fetch_all = meter.timed("orm", QuerySet._fetch_all)
    Template.render = meter.timed("templates", Template.render)
    handler, factory = WSGIHandler(), RequestFactory()
    sent = 0

    def get(path):
        nonlocal sent
        sent += 1
        separator = "&" if "?" in path else "?"
        environ = factory.get(
            f"{path}{separator}_breakdown={sent}",
            HTTP_HOST="127.0.0.1",
            HTTP_X_FORWARDED_PROTO="https",
        ).environ
        status = []
        b"".join(handler(environ, lambda line, headers, *exc: status.append(line)))
        if not status[0].startswith("200"):
            raise SystemExit(f"{path} answered {status[0]}")

    print(f"where an uncached page's time goes (in process, one at a time, mean of {requests}):")
    print(
        f"{'page':<10} {'total ms':>9} {'SQL':>6} {'queries':>8} {'ORM':>6} {'templates':>10} "
        f"{'other':>6}"
    )
    with connection.execute_wrapper(meter.execute):
        for name, path in pages.items():
            for _ in range(3):  # warm the code paths and the connection
                get(path)
            meter.reset()
            start = time.perf_counter()
            for _ in range(requests):
                get(path)
            total = (time.perf_counter() - start) / requests * 1000
            sql, orm, templates = (meter.spent[k] / requests * 1000 for k in meter.spent)
            print(
                f"{name:<10} {total:>9.1f} {sql:>6.1f} {meter.queries / requests:>8.0f} "
                f"{orm:>6.1f} {templates:>10.1f} {total - sql - orm - templates:>6.1f}"
            )


if __name__ == "__main__":
    main()
