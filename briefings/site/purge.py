"""Purge backends: what else caches public pages, purged by the same tags as the page cache.

Pages carry their tags in a `Surrogate-Key` header; a backend purges every page carrying any
of the given tags. `SITE_PURGE_BACKENDS` lists them (dotted paths, with keyword arguments);
the Celery task `briefings.site.tasks.purge_pages` runs each after commit. Shipped: the
page cache itself (`RedisPurger`) and Varnish with varnish-modules' xkey (`VarnishPurger`,
see config/varnish.vcl). A CDN plugs in the same way: a class with `purge(tags)`.
"""

import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string


class RedisPurger:
    """The project's own page cache (briefings.site.cache)."""

    def purge(self, tags):
        from briefings.site.cache import purge_local

        purge_local(tags)


class VarnishPurger:
    """Varnish in front of the site: a PURGE request with the tags in `xkey-purge`, which
    config/varnish.vcl answers (from allowed addresses only) with xkey.purge()."""

    def __init__(self, url, timeout=5):
        self.url = url
        self.timeout = timeout

    def purge(self, tags):
        request = urllib.request.Request(  # noqa: S310 - the operator's setting
            self.url, method="PURGE", headers={"xkey-purge": " ".join(sorted(tags))}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            if response.status != 200:
                raise OSError(f"Varnish answered {response.status} to a purge")


def backends():
    """The configured backends, built from SITE_PURGE_BACKENDS."""
    return [
        import_string(entry["BACKEND"])(**entry.get("OPTIONS", {}))
        for entry in settings.SITE_PURGE_BACKENDS
    ]
