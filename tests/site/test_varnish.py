"""Varnish (config/varnish.vcl, xkey) in front of the site: fresh at once, never unpublished.

The test starts Debian's varnishd itself on a loopback port, in front of Django's live server,
and the site purges it by tag (briefings.site.purge.VarnishPurger) after each commit.
"""

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from briefings.newsroom.models import Briefing
from briefings.site import tasks
from tests.factories import BriefingFactory, DraftFactory, editor
from tests.support import run_outbox

VCL = Path(__file__).resolve().parents[2] / "config" / "varnish.vcl"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(base, path):
    """(status, body, X-Cache) through Varnish."""
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return response.status, response.read().decode(), response.headers.get("X-Cache")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get("X-Cache")


def wait_for(condition, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError("condition not met before the deadline")


@pytest.fixture
def varnish(live_server, settings, transactional_db):
    """varnishd on a free loopback port, with the committed VCL pointed at the live server."""
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    assert Path(varnishd).exists(), "varnishd is missing: `make varnish` installs it"
    backend_port = live_server.url.rsplit(":", 1)[1]
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="varnish-"))
    workdir.chmod(0o755)  # varnishd drops to its own user to read the VCL
    vcl = workdir / "site.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8000"', f'.port = "{backend_port}"'))
    vcl.chmod(0o644)
    process = subprocess.Popen(
        [varnishd, "-F", "-a", f"127.0.0.1:{port}", "-f", str(vcl), "-n", str(workdir / "n"),
         "-s", "malloc,32m", "-p", "default_ttl=0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    settings.SITE_PURGE_BACKENDS = [
        {"BACKEND": "briefings.site.purge.RedisPurger"},
        {"BACKEND": "briefings.site.purge.VarnishPurger", "OPTIONS": {"url": base + "/"}},
    ]

    def up():
        try:
            return get(base, "/robots.txt")[0] == 200
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            return False

    try:
        wait_for(up, timeout=30)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)


def test_varnish_serves_fresh_pages_after_publish_correct_and_withdraw(varnish, celery_worker):
    BriefingFactory(headline="Standing story", slug="standing")
    draft = DraftFactory(headline="Embargoed headline", slug="embargoed", body="First text.")
    assert get(varnish, "/en/briefings/embargoed/")[0] == 404
    assert get(varnish, "/en/briefings/embargoed/")[0] == 404  # a 404 is never kept
    assert "Embargoed headline" not in get(varnish, "/en/")[1]
    status = get(varnish, "/en/briefings/standing/")[0]
    assert (status, get(varnish, "/en/briefings/standing/")[2]) == (200, "HIT")
    assert get(varnish, "/?utm_source=news&fbclid=x")[2] == "HIT"  # as "/"

    draft.transition(Briefing.Status.PUBLISHED, by=editor())
    run_outbox()
    status, body, _ = get(varnish, "/en/briefings/embargoed/")
    assert status == 200 and "First text." in body
    assert "Embargoed headline" in get(varnish, "/en/")[1]
    assert get(varnish, "/en/briefings/standing/")[2] == "HIT"  # unrelated: still cached

    get(varnish, "/en/briefings/embargoed/")
    assert get(varnish, "/en/briefings/embargoed/")[2] == "HIT"
    draft.refresh_from_db()
    draft.body = "Corrected text."
    draft.save()
    status, body, _ = get(varnish, "/en/briefings/embargoed/")
    assert status == 200 and "Corrected text." in body and "First text." not in body

    draft.transition(Briefing.Status.WITHDRAWN, by=editor(), note="Sourcing failed.")
    status, body, _ = get(varnish, "/en/briefings/embargoed/")
    assert status == 410 and "Corrected text." not in body
    assert "Embargoed headline" not in get(varnish, "/en/")[1]

    # The Celery task purges Varnish too (the retrying path behind the one after commit).
    get(varnish, "/en/briefings/standing/")
    assert get(varnish, "/en/briefings/standing/")[2] == "HIT"
    standing = Briefing.objects.get(slug="standing")
    tasks.purge_pages.delay([f"briefing:{standing.pk}"])
    wait_for(lambda: get(varnish, "/en/briefings/standing/")[2] == "MISS")


def test_varnish_refuses_purges_without_tags(varnish):
    request = urllib.request.Request(varnish + "/", method="PURGE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
