"""Subscribers' languages (issue 18): each email in the reader's language, each briefing in
theirs where a translation is public, the original otherwise and marked as such.

The French goldens (golden/fr_*.html) sit beside the English ones, which do not change.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from taggit.models import Tag

from briefings.clock import desk_time
from briefings.digests import editions, mime, rendering, selection, tasks
from briefings.digests.forms import SubscribeForm
from briefings.digests.models import Alert, Edition, Subscriber
from briefings.newsroom.models import Briefing
from briefings.newsroom.signals import briefing_published
from tests.digests.factories import SubscriberFactory
from tests.digests.support import path_of
from tests.digests.test_mime import DATE, REASON, assert_parts, golden, parse
from tests.digests.test_subscribe import form
from tests.factories import AgreementFactory, BriefingFactory
from tests.support import wait_until

HOUR = datetime.timedelta(hours=1)
AT = datetime.datetime(2025, 6, 23, 5, 30, tzinfo=datetime.UTC)
EDITION = Edition(kind="daily", period=datetime.date(2025, 6, 23))
FRENCH_MONTHS = [
    *("janvier", "février", "mars", "avril", "mai", "juin"),
    *("juillet", "août", "septembre", "octobre", "novembre", "décembre"),
]
NBSP = "\u00a0"
# A French reader's own links, as personal_links() gives them.
PREFERENCES = "https://desk.example/fr/subscribe/preferences/P42/"
UNSUBSCRIBE = "https://desk.example/fr/subscribe/unsubscribe/U42/"


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")


def site_path(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def french_date(value):
    """How a French email dates a publication: « 1er décembre 2026 » or « 23 juin 2025 »."""
    local = desk_time(value)
    day = rf"{local.day}(?:er)?" if local.day == 1 else str(local.day)
    return rf"{day} {FRENCH_MONTHS[local.month - 1]} {local.year} à {local:%H:%M}"


@pytest.fixture
def pact():
    """A translated briefing on a dossier and an untranslated one on none, at fixed times."""
    dossier = AgreementFactory(
        title="Partenariat de sécurité et de défense UE–Canada", slug="pacte"
    )
    signed = BriefingFactory(
        headline="Canada and the EU sign a defence pact",
        slug="defence-pact",
        dek="Ottawa joins the SAFE fund.",
        publish_at=AT,
    )
    signed.agreements.add(dossier)
    french = BriefingFactory(
        headline="Le Canada et l’UE signent un pacte de défense",
        slug="pacte-de-defense",
        dek="Ottawa rejoint le fonds SAFE.",
        language="fr",
        translation_of=signed,
        publish_at=AT + datetime.timedelta(minutes=20),
    )
    french.agreements.add(dossier)
    ottawa = BriefingFactory(
        headline="Ministers meet in Ottawa",
        slug="ottawa",
        dek="",
        publish_at=AT - HOUR,
    )
    return {"dossier": dossier, "signed": signed, "french": french, "ottawa": ottawa}


FRENCH_DIGEST_TEXT = f"""\
BRIEFING DESK — votre lettre quotidienne
2 nouvelles notes
Sur le site{NBSP}: https://desk.example/fr/digests/daily-2025-06-23/

== Partenariat de sécurité et de défense UE–Canada ==

Le Canada et l’UE signent un pacte de défense
Ottawa rejoint le fonds SAFE.
Actualité · 23 juin 2025 à 07:50, heure de Bruxelles
https://desk.example/fr/briefings/pacte-de-defense/

== Autres notes ==

Ministers meet in Ottawa (en anglais)
Actualité · 23 juin 2025 à 06:30, heure de Bruxelles
https://desk.example/fr/briefings/ottawa/

--
{REASON}
Modifier ce que vous recevez{NBSP}: {PREFERENCES}
Se désabonner{NBSP}: {UNSUBSCRIBE}
"""

FRENCH_ALERT_TEXT = f"""\
BRIEFING DESK — alerte

Partenariat de sécurité et de défense UE–Canada{NBSP}: \
Canada and the EU sign a defence pact (en anglais)
Ottawa joins the SAFE fund.
23 juin 2025 à 07:30, heure de Bruxelles
https://desk.example/fr/briefings/defence-pact/

--
{REASON}
Modifier ce que vous recevez{NBSP}: {PREFERENCES}
Se désabonner{NBSP}: {UNSUBSCRIBE}
"""

FRENCH_CONFIRM_TEXT = f"""\
BRIEFING DESK

Quelqu’un — sans doute vous — a demandé à recevoir les lettres de Briefing Desk à cette \
adresse. Confirmez pour commencer{NBSP}; si ce n’était pas vous, ignorez ce courriel{NBSP}: \
rien d’autre ne vous sera envoyé.

Confirmer{NBSP}: https://desk.example{site_path("digests:confirm", "fr", token="tok-123")}

Le lien reste valable 48 heures.

"""


def versions(language, since=AT - 2 * HOUR, until=AT + 2 * HOUR):
    candidates = selection.load_candidates(since, until)
    return tuple(c.version(language) for c in candidates)


@pytest.mark.django_db
def test_french_digest_golden(pact):
    """The French reader gets the translation where there is one, the original otherwise,
    marked « en anglais » with the headline's language; every word of the frame in French."""
    briefings = versions("fr")
    assert briefings == (pact["french"], pact["ottawa"])
    prepared = rendering.DigestRenderer("daily", EDITION, "fr").render(briefings)
    data = prepared.build(
        "ana@mail.example", mime.message_id("digest", 7, 42), PREFERENCES, UNSUBSCRIBE, DATE, REASON
    )
    message = parse(data)
    assert message["Subject"] == "Le Canada et l’UE signent un pacte de défense — et 1 autre note"
    assert_parts(message, FRENCH_DIGEST_TEXT, golden("fr_digest.html"))
    html = html_of(message)
    assert '<html lang="fr">' in html
    assert 'lang="en">Ministers meet in Ottawa</a> <span' in html
    assert "(en anglais)" in html and "Lire la note" in html

    # The English reader of the same briefings: the original, nothing marked, in English.
    english = versions("en")
    assert english == (pact["signed"], pact["ottawa"])
    subject = rendering.DigestRenderer("daily", EDITION).render(english).subject
    assert subject == "Canada and the EU sign a defence pact — and 1 more briefing"
    text = rendering.DigestRenderer("daily", EDITION).render(english).text
    assert "(in French)" not in text and "(en anglais)" not in text


@pytest.mark.django_db
def test_french_alert_and_confirmation_golden(pact, smtp_server):
    prepared = rendering.render_alert(pact["signed"], "fr")
    data = prepared.build(
        "ana@mail.example", mime.message_id("alert", 9, 42), PREFERENCES, UNSUBSCRIBE, DATE, REASON
    )
    message = parse(data)
    # Headers fold at spaces: the no-break space before the colon travels as a plain one.
    assert message["Subject"] == "Alerte : Canada and the EU sign a defence pact"
    assert_parts(message, FRENCH_ALERT_TEXT, golden("fr_alert.html"))

    ana = SubscriberFactory(
        email="ana@mail.example", state="pending", confirmed_at=None, language="fr"
    )
    tasks.send_confirmation(ana.pk, "tok-123")
    [received] = smtp_server.wait_for(1)
    assert received["Subject"] == "Confirmez votre abonnement aux courriels de Briefing Desk"
    assert_parts(received, FRENCH_CONFIRM_TEXT, golden("fr_confirm.html"))


@pytest.fixture
def news():
    """Today's news: a briefing on a dossier, published and translated into French, and an
    older one nobody translated."""
    now = timezone.now()
    dossier = AgreementFactory(title="EU–Canada Security and Defence Partnership", slug="pact")
    signed = BriefingFactory(
        headline="Canada and the EU sign a defence pact", slug="defence-pact", publish_at=now - HOUR
    )
    signed.agreements.add(dossier)
    french = BriefingFactory(
        headline="Le Canada et l’UE signent un pacte de défense",
        slug="pacte-de-defense",
        language="fr",
        translation_of=signed,
        publish_at=now - HOUR / 2,
    )
    french.agreements.add(dossier)
    ottawa = BriefingFactory(headline="Ministers meet in Ottawa", publish_at=now - 2 * HOUR)
    return {"dossier": dossier, "signed": signed, "french": french, "ottawa": ottawa}


def french(client, method, path, data=None):
    return getattr(client, method)(path, data, HTTP_ACCEPT_LANGUAGE="fr")


def test_a_french_reader_from_sign_up_to_digest(client, smtp_server, celery_worker, news):
    subscribe = site_path("digests:subscribe", "fr")
    page = french(client, "get", subscribe).content.decode()
    assert "Lettres par courriel" in page and "Langue des courriels" in page
    assert re.search(r'value="fr"[^>]*checked', page)  # the page's language, already chosen

    assert french(client, "post", subscribe, form(language="fr")).status_code == 302
    [confirmation] = smtp_server.wait_for(1)
    assert confirmation["Subject"] == "Confirmez votre abonnement aux courriels de Briefing Desk"
    text = text_of(confirmation)
    assert "Quelqu’un — sans doute vous —" in text and "Le lien reste valable 48 heures." in text
    link = re.search(rf"Confirmer{NBSP}: (\S+)", text).group(1)
    assert path_of(link).startswith(f"{subscribe}confirm/")  # /fr/… once the site has prefixes
    assert french(client, "post", path_of(link)).status_code == 302
    ana = Subscriber.objects.get(email="ana@mail.example")
    assert (ana.state, ana.language) == ("confirmed", "fr")
    wait_until(lambda: Subscriber.objects.filter(welcomed_at__isnull=False).exists())
    [welcome] = [m for m in smtp_server.wait_for(2) if m["Subject"] == "Bienvenue à Briefing Desk"]
    assert f"Ce que vous suivez{NBSP}: tout ce que publie la rédaction." in text_of(welcome)
    assert "Une lettre quotidienne chaque matin à 07:00 (heure de Bruxelles)" in text_of(welcome)
    SubscriberFactory(email="en@mail.example")

    call_command("send_digest", "daily", "--wait", "30")
    smtp_server.wait_for(4)
    [digest] = [m for m in smtp_server.to("ana@mail.example") if "<digest." in m["Message-ID"]]
    assert digest["Subject"] == "Le Canada et l’UE signent un pacte de défense — et 1 autre note"
    text, html = text_of(digest), html_of(digest)
    assert text.startswith("BRIEFING DESK — votre lettre quotidienne\n2 nouvelles notes\n")
    assert "Canada and the EU sign" not in text  # the translation stands for its original
    assert "\nMinisters meet in Ottawa (en anglais)\n" in text
    assert re.search(r'class="headline" lang="en">Ministers meet in Ottawa</a>', html)
    assert "== Autres notes ==" in text and "Votre lettre quotidienne" in html
    assert re.search(french_date(news["french"].publish_at) + ", heure de Bruxelles", text)
    assert not any(month in text for month in ("June", "December", "Brussels"))
    for briefing in (news["french"], news["ottawa"]):
        path = site_path("newsroom:detail", "fr", slug=briefing.slug)
        assert f"https://desk.example{path}" in html
    archive = site_path("digest_archive:index", "fr")
    assert "Vous suivez tout ce que publie la rédaction.\n" in text
    https = re.findall(r"<([^>]+)>", digest["List-Unsubscribe"])[0]
    assert path_of(https).startswith(f"{subscribe}unsubscribe/")
    preferences = re.search(rf"Modifier ce que vous recevez{NBSP}: (\S+)", text).group(1)
    assert path_of(preferences).startswith(f"{subscribe}preferences/")
    page = french(client, "get", path_of(preferences)).content.decode()
    assert "Vos préférences de courriel" in page and re.search(r'value="fr"[^>]*checked', page)
    web = re.search(rf"Sur le site{NBSP}: (\S+)", text).group(1)
    assert path_of(web).startswith(archive)

    # The English reader of the same edition gets what they always got.
    [english] = smtp_server.to("en@mail.example")
    assert english["Subject"] == "Canada and the EU sign a defence pact — and 1 more briefing"
    text = text_of(english)
    assert text.startswith("BRIEFING DESK — your daily digest\n2 new briefings\n")
    assert "\nMinisters meet in Ottawa\n" in text and "Le Canada" not in text
    assert "(in French)" not in text and "Change what you receive: " in text


def test_an_alert_reaches_a_reader_once_per_translation_group(smtp_server, celery_worker, news):
    """The original's alert goes out before its translation exists: a French reader gets the
    original, marked, and the translation's publication later alerts only readers the group
    had not reached."""
    signed, translated = news["signed"], news["french"]
    Briefing.objects.filter(pk=translated.pk).update(status=Briefing.Status.DRAFT)
    ana = SubscriberFactory(
        email="ana@mail.example",
        language="fr",
        follow_all=False,
        agreements=[news["dossier"]],
        instant_alerts=True,
    )
    SubscriberFactory(email="en@mail.example", instant_alerts=True)
    briefing_published.send(sender=Briefing, briefing=signed)
    first = smtp_server.wait_for(2)
    [to_ana] = smtp_server.to("ana@mail.example")
    assert to_ana["Subject"] == "Alerte : Canada and the EU sign a defence pact"
    assert "Canada and the EU sign a defence pact (en anglais)" in text_of(to_ana)
    assert "Vous suivez EU–Canada Security and Defence Partnership." in text_of(to_ana)
    [to_en] = smtp_server.to("en@mail.example")
    assert to_en["Subject"] == "Alert: Canada and the EU sign a defence pact"

    done = editions.AlertBatch.objects.filter(briefing=signed, done_at__isnull=False)
    wait_until(done.exists)
    # A reader who joins between the two publications has had nothing of the group yet.
    SubscriberFactory(email="later@mail.example", language="fr", instant_alerts=True)
    Briefing.objects.filter(pk=translated.pk).update(status=Briefing.Status.PUBLISHED)
    briefing_published.send(sender=Briefing, briefing=translated)
    [to_later] = [m for m in smtp_server.wait_for(3) if m not in first]
    assert to_later["To"] == "later@mail.example"
    assert to_later["Subject"] == "Alerte : Le Canada et l’UE signent un pacte de défense"
    assert "(en anglais)" not in text_of(to_later)
    wait_until(
        lambda: not editions.AlertBatch.objects.filter(done_at__isnull=True).exists(), timeout=20
    )
    assert len(smtp_server.messages) == 3  # nobody alerted twice to the same group
    assert Alert.objects.filter(subscriber=ana).count() == 1
    assert tasks.send_alerts.delay(translated.pk).get(timeout=20) is None  # a stray rerun
    assert len(smtp_server.messages) == 3


@pytest.mark.django_db
def test_a_translation_published_later_does_not_bring_its_group_back():
    """A group enters a digest with its first public version: a French reader who got the
    original yesterday does not get the translation today, a reader whose window holds the
    whole group gets one version of it."""
    now = timezone.now()
    old = BriefingFactory(headline="Yesterday's original", publish_at=now - 30 * HOUR)
    BriefingFactory(
        headline="La traduction d’aujourd’hui",
        language="fr",
        translation_of=old,
        publish_at=now - HOUR,
    )
    fresh = BriefingFactory(headline="Today's original", publish_at=now - 3 * HOUR)
    today = BriefingFactory(
        headline="L’original d’aujourd’hui, traduit",
        language="fr",
        translation_of=fresh,
        publish_at=now - 2 * HOUR,
    )
    reader = SubscriberFactory(language="fr", last_digest_at=now - 25 * HOUR)
    briefings, _ = editions.preview_digest(reader, now)
    assert briefings == (today,)
    english = SubscriberFactory(last_digest_at=now - 25 * HOUR)
    assert editions.preview_digest(english, now)[0] == (fresh,)


@pytest.mark.django_db
def test_sign_up_language_defaults_to_the_page_and_refuses_unknown_codes(client):
    with translation.override("fr"):
        assert SubscribeForm()["language"].value() == "fr"
    with translation.override("en"):
        assert SubscribeForm()["language"].value() == "en"
    subscribe = site_path("digests:subscribe", "fr")

    # A form from before the choice existed: the page's language.
    assert french(client, "post", subscribe, form("old@mail.example")).status_code == 302
    assert Subscriber.objects.get(email="old@mail.example").language == "fr"

    for hostile in ("de", "xx", "fr\x00", "en-gb", "f" * 500):
        response = french(client, "post", subscribe, form("new@mail.example", language=hostile))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Nous n’envoyons pas de courriels dans cette langue" in page
        assert 'value="new@mail.example"' in page  # nothing the reader typed is lost
    assert not Subscriber.objects.filter(email="new@mail.example").exists()


@pytest.mark.django_db
def test_preferences_page_changes_the_language(client):
    defence = Tag.objects.create(name="Defence", slug="defence")
    BriefingFactory(tags=[defence])
    reader = SubscriberFactory(follow_all=False, tags=[defence], frequency="weekly")
    path = reader.get_absolute_url()
    data = {"follow": "chosen", "tags": ["defence"], "frequency": "weekly", "language": "fr"}
    assert client.post(path, data).status_code == 302
    reader.refresh_from_db()
    assert (reader.language, reader.frequency) == ("fr", "weekly")

    response = client.post(path, {**data, "language": "klingon", "frequency": "daily"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "We don&#x27;t send email in that language" in page
    assert re.search(r'value="defence"[^>]*checked', page)  # the rest of the form kept
    reader.refresh_from_db()
    assert (reader.language, reader.frequency) == ("fr", "weekly")  # nothing changed
    assert list(reader.tags.all()) == [defence]


@pytest.mark.django_db
def test_the_archive_speaks_the_readers_language(client, news):
    now = timezone.now()
    reader = SubscriberFactory()
    edition = Edition.objects.create(
        kind="daily", period=now.date(), starts_at=now - 3 * HOUR, ends_at=now, completed_at=now
    )
    edition.deliveries.create(subscriber=reader, message_id="<d.1@x>", state="sent")
    with translation.override("fr"):
        archive, page = reverse("digest_archive:index"), edition.get_absolute_url()
    html = french(client, "get", archive).content.decode()
    assert "Lettres précédentes" in html and "Lettre quotidienne" in html
    html = french(client, "get", page).content.decode()
    assert "Lettre quotidienne du" in html
    assert news["french"].headline in html and news["ottawa"].headline in html
    assert news["signed"].headline not in html

    with translation.override("en"):
        page = edition.get_absolute_url()
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Daily digest" in html and news["signed"].headline in html
    assert news["french"].headline not in html
