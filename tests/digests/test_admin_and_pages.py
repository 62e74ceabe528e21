"""The admin's view of subscribers and editions, query budgets, and the dev mailbox."""

import os
import smtplib
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from taggit.models import Tag

from briefings.digests import editions
from briefings.digests.models import Delivery
from tests.digests.factories import SubscriberFactory
from tests.factories import ActorFactory, AgreementFactory, BriefingFactory, editor
from tests.support import wait_until


@pytest.fixture
def admin_client(client):
    client.force_login(editor(is_superuser=True, email="ed@desk.example"))
    return client


@pytest.mark.django_db
def test_subscriber_admin_lists_state_follows_and_last_digest(
    admin_client, django_assert_max_num_queries
):
    def grow(n):
        for i in range(n):
            tag = Tag.objects.create(name=f"Topic {i}-{Tag.objects.count()}")
            SubscriberFactory(follow_all=False, tags=[tag], actors=[ActorFactory()])

    grow(3)
    with django_assert_max_num_queries(20) as few:
        assert admin_client.get("/admin/digests/subscriber/").status_code == 200
    grow(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get("/admin/digests/subscriber/")
    html = response.content.decode()
    assert "Topic 0" in html and "Confirmed" in html


def test_edition_admin_counts(smtp_server, celery_worker, admin_client):
    BriefingFactory()
    for _ in range(3):
        SubscriberFactory()
    call_command("send_digest", "daily", "--wait", "30")
    edition = editions.Edition.objects.get()
    Delivery.objects.filter(pk=Delivery.objects.first().pk).update(state="failed")
    response = admin_client.get("/admin/digests/edition/")
    assert response.status_code == 200
    row = response.content.decode()
    assert '<td class="field-sent">2</td>' in row
    assert '<td class="field-failed">1</td>' in row
    assert '<td class="field-pending">0</td>' in row
    change = admin_client.get(f"/admin/digests/edition/{edition.pk}/change/")
    assert change.status_code == 200
    assert edition.get_absolute_url() in change.content.decode()  # "View on site": sent
    Delivery.objects.update(state="claimed")  # as if nothing had gone out: not public
    change = admin_client.get(f"/admin/digests/edition/{edition.pk}/change/")
    assert edition.get_absolute_url() not in change.content.decode()


@pytest.mark.django_db
def test_preview_and_test_digest(admin_client, smtp_server):
    BriefingFactory(headline="The pact is signed")
    subscriber = SubscriberFactory()
    page = admin_client.get(f"/admin/digests/subscriber/{subscriber.pk}/change/")
    assert "Preview next digest" in page.content.decode()
    preview = admin_client.get(f"/admin/digests/subscriber/{subscriber.pk}/preview/")
    assert "The pact is signed" in preview.content.decode()
    assert "You follow everything the desk publishes." in preview.content.decode()
    assert (
        admin_client.get(f"/admin/digests/subscriber/{subscriber.pk}/send-test/").status_code == 405
    )
    response = admin_client.post(f"/admin/digests/subscriber/{subscriber.pk}/send-test/")
    assert response.status_code == 302
    [message] = smtp_server.wait_for(1)
    assert smtp_server.messages[0][1] == ["ed@desk.example"]
    assert message["Subject"] == "[Test] The pact is signed"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "You follow everything the desk publishes." in text
    assert not Delivery.objects.exists()  # a test changes nobody's digest history

    quiet = SubscriberFactory(follow_all=False, tags=[Tag.objects.create(name="Nothing")])
    response = admin_client.get(f"/admin/digests/subscriber/{quiet.pk}/preview/")
    assert "would send nothing" in response.content.decode()


@pytest.mark.django_db
def test_subscribe_and_preferences_pages_have_constant_queries(
    client, django_assert_max_num_queries
):
    def grow():
        Tag.objects.create(name=f"Tag {Tag.objects.count()}")
        ActorFactory()
        AgreementFactory()

    subscriber = SubscriberFactory()
    grow()
    with django_assert_max_num_queries(24) as few:
        client.get("/en/subscribe/?tag=tag-0")
        client.get(subscriber.get_absolute_url())
    for _ in range(20):
        grow()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/en/subscribe/?tag=tag-0")
        client.get(subscriber.get_absolute_url())


@pytest.mark.django_db
def test_dev_mailbox_receives_and_shows_mail(client, settings, tmp_path):
    settings.DEBUG = True
    settings.DEV_MAILBOX_DIR = str(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"DEV_MAILBOX_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "devmailbox", "--port", str(port)],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
    )
    try:

        def listening():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            except OSError:
                return False
            return True

        wait_until(listening)
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail(
                "desk@briefings.example",
                ["ana@mail.example"],
                b"Subject: Hello <b>there</b>\r\nTo: ana@mail.example\r\nMIME-Version: 1.0\r\n"
                b"Content-Type: text/html; charset=utf-8\r\n\r\n<html><head></head><body>"
                b'<a href="https://desk.example/x">Read</a></body></html>\r\n',
            )
        [eml] = wait_until(lambda: list(tmp_path.glob("*.eml")))
    finally:
        process.terminate()
        process.wait(timeout=10)
    listing = client.get("/en/subscribe/dev-mailbox/").content.decode()
    assert "Hello &lt;b&gt;there&lt;/b&gt;" in listing
    detail = client.get(f"/en/subscribe/dev-mailbox/{eml.name}/")
    assert detail.status_code == 200
    html = client.get(f"/en/subscribe/dev-mailbox/{eml.name}/html/")
    assert '<base target="_top">' in html.content.decode()
    assert html["Content-Security-Policy"] == "script-src 'none'"
    assert client.get("/en/subscribe/dev-mailbox/..%2Fsettings.py/").status_code == 404
    settings.DEBUG = False
    assert client.get("/en/subscribe/dev-mailbox/").status_code == 404


@pytest.mark.django_db
def test_dev_mailbox_names_the_port_mail_goes_to(client, settings, tmp_path):
    settings.DEBUG = True
    settings.DEV_MAILBOX_DIR = str(tmp_path)
    mailers = {key: dict(value) for key, value in settings.MAILERS.items()}
    mailers["default"]["OPTIONS"] = {**mailers["default"].get("OPTIONS", {}), "port": 2526}
    settings.MAILERS = mailers
    listing = client.get("/en/subscribe/dev-mailbox/").content.decode()
    assert "127.0.0.1:2526" in listing
    assert "1025" not in listing
