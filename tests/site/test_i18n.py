"""The public site in English and French: the catalog is complete, French pages carry no English
interface, the switcher lands on the same page in the other language, dates read by locale."""

import datetime
import gettext
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language

from briefings.partialdate import Precision, day_month_year, format_partial
from briefings.site.templatetags.desk import desk_date, desk_datetime
from tests.factories import (
    ActorFactory,
    AgreementFactory,
    BriefingFactory,
    ContributorFactory,
    CorrectionFactory,
    EventFactory,
    KeyFigureFactory,
    OfficeFactory,
    OfficeTermFactory,
    ParticipationFactory,
    PartyActionFactory,
    PartyFactory,
    SourceFactory,
    add_byline,
)

ROOT = Path(settings.BASE_DIR)
CATALOGS = ROOT / "briefings" / "locale" / "fr" / "LC_MESSAGES"


def msgfmt(*args):
    return subprocess.run(["msgfmt", *args], capture_output=True, text=True, check=True)


def untranslated(po):
    """The msgids of a catalog's untranslated and fuzzy entries."""
    found = []
    for option in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(
            ["msgattrib", option, "--no-wrap", "--no-location", str(po)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found += [m for m in re.findall(r'^msgid "(.+)"$', out, re.M)]
    return found


def test_catalog_check_finds_an_untranslated_entry(tmp_path):
    """The check below can fail: an entry without French is reported."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Key facts"\nmsgstr ""\n\n#, fuzzy\nmsgid "Timeline"\nmsgstr "Chronologie"\n'
    )
    assert untranslated(po) == ["Key facts", "Timeline"]


def test_every_marked_string_has_its_french(tmp_path):
    """makemessages over a copy of the project leaves no entry without French, fuzzy or not:
    a string marked without its translation fails here, before a French reader meets it."""
    copy = tmp_path / "project"
    skip = shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc", "shapes.json", "*.svg", "*.ico")
    for part in ("briefings", "config", "templates", "static"):
        shutil.copytree(ROOT / part, copy / part, ignore=skip)
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    options = ["-l", "fr", "--no-obsolete", "--ignore=.venv", "--ignore=node_modules"]
    for domain in ("django", "djangojs"):
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-d", domain, *options],
            cwd=copy,
            check=True,
            capture_output=True,
        )
    refreshed = copy / "briefings" / "locale" / "fr" / "LC_MESSAGES"
    checked = 0
    for po in refreshed.glob("*.po"):
        assert untranslated(po) == [], f"{po.name}: strings without French"
        msgfmt("--check", "-o", "/dev/null", str(po))
        checked += 1
    assert checked == 2  # django.po and djangojs.po (the admin scripts)


@pytest.fixture(scope="module")
def english_interface(tmp_path_factory):
    """The catalog's English phrases of two words or more that French does not share: none
    may show on a French page."""
    mo = tmp_path_factory.mktemp("catalog") / "django.mo"
    msgfmt("-o", str(mo), str(CATALOGS / "django.po"))
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    phrases = set()
    for key, french in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04")[-1]
        if (
            msgid
            and len(msgid.split()) >= 2
            and not re.search(r"[%<]", msgid)
            and msgid.lower() not in french.lower()
        ):
            phrases.add(msgid.replace("%%", "%"))
    assert len(phrases) >= 30
    return phrases


@pytest.fixture
def dossier():
    canada = ActorFactory(name="Canada", slug="canada", summary="")
    eu = ActorFactory(name="European Union", slug="eu", kind="bloc")
    office = OfficeFactory(organisation=eu)
    OfficeTermFactory(office=office, person=ActorFactory(kind="person", name="A. Person"))
    ceta = AgreementFactory(title="EU–Canada trade agreement", slug="ceta", summary="")
    for actor in (canada, eu):
        party = PartyFactory(agreement=ceta, actor=actor)
        PartyActionFactory(party=party, date=datetime.date(2016, 10, 30))
    event = EventFactory(title="EU–Canada summit", slug="summit", summary="")
    event.agreements.add(ceta)
    ParticipationFactory(event=event, actor=canada)
    author = ContributorFactory(name="Claire Martin", slug="claire-martin", bio="")
    briefing = BriefingFactory(headline="Pact signed", slug="pact-signed", tags=["defence"])
    # Its French version: a briefing lives under its own language's prefix.
    french = BriefingFactory(
        headline="Pacte signé",
        slug="pacte-signe",
        language="fr",
        translation_of=briefing,
        tags=["defence"],
    )
    for version in (briefing, french):
        add_byline(version, author)
        version.actors.add(canada)
        version.agreements.add(ceta)
        version.events.add(event)
        KeyFigureFactory(briefing=version)
        SourceFactory(briefing=version)
        CorrectionFactory(briefing=version)
    BriefingFactory(headline="Another on defence", slug="another", tags=["defence"])
    return briefing


BRIEFING_SLUGS = {"en": "pact-signed", "fr": "pacte-signe"}


def public_pages():
    """(name, path) for every kind of public page, in the active language."""
    return [
        ("home", reverse("home")),
        ("briefings", reverse("newsroom:index")),
        ("briefing", reverse("newsroom:detail", args=[BRIEFING_SLUGS[get_language()]])),
        ("actors", reverse("actors:index")),
        ("actor", reverse("actors:detail", args=["canada"])),
        ("agreements", reverse("agreements:index")),
        ("agreement", reverse("agreements:detail", args=["ceta"])),
        ("agreement as of", reverse("agreements:detail", args=["ceta"]) + "?as_of=2017-01-01"),
        ("events", reverse("events:index")),
        ("event", reverse("events:detail", args=["summit"])),
        ("topics", reverse("topics")),
        ("topics under D", reverse("topics") + "?letter=D"),
        ("topic", reverse("tag", args=["defence"])),
        ("search", reverse("search")),
        ("search with results", reverse("search") + "?q=pact"),
        ("search without results", reverse("search") + "?q=zzzzqqq"),
        ("contributor", reverse("contributors:detail", args=["claire-martin"])),
        ("404", reverse("actors:detail", args=["nobody"])),
    ]


def visible_text(page):
    """What a reader sees or hears: text and the attributes read aloud or shown."""
    body = re.sub(r"<script\b.*?</script>", " ", page, flags=re.S)
    # Text marked as another language ("Read in English", an English original's headline) is
    # meant to be read in that language.
    language = re.search(r'<html lang="([^"]+)"', page)[1]
    body = re.sub(
        rf'<(a|span|h[1-6]|p)\b[^>]*\blang="(?!{language}")[^"]+"[^>]*>.*?</\1>',
        " ",
        body,
        flags=re.S,
    )
    attributes = re.findall(r'(?:aria-label|title|alt|placeholder|content)="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(" ".join([text, *attributes]))


def shown_phrases(client, language, phrases):
    """{page name: the phrases its visible text contains}, every page in `language`."""
    shown = {}
    with translation.override(language):
        for name, path in public_pages():
            response = client.get(path)
            assert response.status_code == (404 if name == "404" else 200), name
            page = response.content.decode()
            assert f'<html lang="{language}">' in page, name
            text = " ".join(visible_text(page).split())
            shown[name] = sorted(p for p in phrases if p in text)
    return shown


@pytest.mark.django_db
def test_french_pages_carry_no_english_interface(client, dossier, english_interface):
    french = shown_phrases(client, "fr", english_interface)
    assert len(french) >= 18
    assert {name: leaks for name, leaks in french.items() if leaks} == {}
    # The same pages in English do show those phrases: the check reads what readers see.
    english = shown_phrases(client, "en", english_interface)
    assert len({p for phrases in english.values() for p in phrases}) >= 30


@pytest.mark.django_db
def test_a_french_page_reads_in_french(client, dossier):
    with translation.override("fr"):
        page = client.get(reverse("newsroom:detail", args=["pacte-signe"])).content.decode()
        agreement = client.get(reverse("agreements:detail", args=["ceta"])).content.decode()
    assert "Chiffres clés" in page
    assert "Corrections et mises à jour" in page
    assert "Par <a" in page
    assert "Publiée le <time" in page
    assert "L’essentiel" in agreement
    assert "30 octobre 2016" in agreement


def alternates_of(page):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))


def switcher_links(page):
    nav = re.search(r'<nav class="language-switcher"[^>]*>(.*?)</nav>', page, re.S).group(1)
    links = re.findall(r'<a href="([^"]+)" lang="([^"]+)" hreflang="([^"]+)"([^>]*)>', nav)
    return [(html.unescape(href), *rest) for href, *rest in links]


@pytest.mark.django_db
def test_the_switcher_lands_on_the_same_page_in_french(client, dossier):
    with translation.override("en"):
        english = reverse("actors:detail", args=["canada"])
    with translation.override("fr"):
        french = reverse("actors:detail", args=["canada"])
    assert (english, french) == ("/en/actors/canada/", "/fr/actors/canada/")

    page = client.get(english + "?utm_source=x").content.decode()

    links = {lang: (href, rest) for href, lang, hreflang, rest in switcher_links(page)}
    assert links["fr"][0] == french
    assert links["en"][0] == english
    assert 'aria-current="true"' in links["en"][1]
    assert "aria-current" not in links["fr"][1]
    assert 'aria-label="Language"' in page
    assert alternates_of(page) == {
        "en": settings.SITE_URL + english,
        "fr": settings.SITE_URL + french,
        "x-default": settings.SITE_URL + english,
    }
    landed = client.get(links["fr"][0])
    assert landed.status_code == 200
    assert '<html lang="fr">' in landed.content.decode()
    assert "Canada" in landed.content.decode()


@pytest.mark.django_db
def test_the_switcher_keeps_a_search_but_not_tracking(client, dossier):
    with translation.override("en"):
        english = reverse("search")
    with translation.override("fr"):
        french = reverse("search")
    page = client.get(english + "?q=pact&utm_campaign=x").content.decode()
    links = {lang: href for href, lang, _, _ in switcher_links(page)}
    assert links["fr"] == f"{french}?q=pact"


@pytest.mark.django_db
def test_the_switcher_echoes_no_slug_and_an_error_page_no_query(client, dossier):
    with translation.override("en"):
        listed = reverse("newsroom:index")
    page = client.get(listed + "?tag=defence&type=analysis&page=2").content.decode()
    links = {lang: href for href, lang, _, _ in switcher_links(page)}
    assert links["fr"] == "/fr/briefings/?type=analysis&page=2"

    missing = client.get(listed + "?tag=no-such-topic&page=2")
    assert missing.status_code == 404
    links = {lang: href for href, lang, _, _ in switcher_links(missing.content.decode())}
    assert links["fr"] == "/fr/briefings/"


def render_with_alternates(alternates, path="/en/briefings/original/"):
    """The tag's output on `path`, in the language its prefix names (as LocaleMiddleware sets)."""
    request = RequestFactory().get(path)
    translation.activate(path.split("/")[1])
    template = Template(
        "{% load desk %}{% language_alternates as alts %}"
        "{% for a in alts %}{{ a.code }}={{ a.href }}|{{ a.indexed }}|{{ a.default }};{% endfor %}"
    )
    try:
        return template.render(Context({"request": request, "alternates": alternates}))
    finally:
        translation.deactivate()


def test_a_view_given_alternates_links_its_translations():
    """A briefing passes its translations' paths: those are the counterparts, not the same
    slug under the other prefix."""
    out = render_with_alternates({"en": "/en/briefings/original/", "fr": "/fr/briefings/traduit/"})
    assert out == "en=/en/briefings/original/|True|True;fr=/fr/briefings/traduit/|True|False;"


def test_a_page_only_in_french_is_its_own_default():
    out = render_with_alternates({"fr": "/fr/briefings/inedit/"}, path="/fr/briefings/inedit/")
    assert out == "en=/en/briefings/inedit/|False|False;fr=/fr/briefings/inedit/|True|True;"


def test_dates_read_by_locale():
    day = datetime.date(2016, 10, 30)
    with translation.override("en"):
        assert day_month_year(day) == "30 October 2016"
        assert day_month_year(datetime.date(2019, 1, 1)) == "1 January 2019"
        assert format_partial(datetime.date(2017, 3, 1), Precision.MONTH) == "March 2017"
        assert format_partial(datetime.date(2014, 1, 1), Precision.YEAR) == "2014"
    with translation.override("fr"):
        assert day_month_year(day) == "30 octobre 2016"
        assert day_month_year(datetime.date(2019, 1, 1)) == "1er janvier 2019"
        assert format_partial(datetime.date(2017, 3, 1), Precision.MONTH) == "mars 2017"
        assert format_partial(datetime.date(2017, 3, 9), Precision.DAY) == "9 mars 2017"
        assert format_partial(datetime.date(2014, 1, 1), Precision.YEAR) == "2014"


def test_desk_filters_read_by_locale(settings):
    settings.DESK_TIME_ZONE = "Europe/Brussels"
    moment = datetime.datetime(2017, 3, 9, 13, 32, tzinfo=datetime.UTC)
    with translation.override("en"):
        assert desk_date(moment) == "9 March 2017"
        assert desk_datetime(moment) == "9 March 2017, 14:32 CET"
    with translation.override("fr"):
        assert desk_date(moment) == "9 mars 2017"
        assert desk_datetime(moment) == "9 mars 2017 à 14:32 CET"
        assert desk_date(datetime.date(2019, 1, 1)) == "1er janvier 2019"


def test_django_date_formats_follow_the_desk(settings):
    """The format module: British order in English, the narrow no-break space in French."""
    template = Template('{% load humanize %}{{ day|date:"DATE_FORMAT" }} {{ n|intcomma }}')
    context = Context({"day": datetime.date(2017, 3, 9), "n": 150000})
    with translation.override("en"):
        assert template.render(context) == "9 March 2017 150,000"
    with translation.override("fr"):
        assert template.render(context) == "9 mars 2017 150\u202f000"


@pytest.mark.django_db
def test_counts_use_the_locale_separator(client):
    for n in range(3):
        BriefingFactory(tags=["defence"])
    with translation.override("fr"):
        page = client.get(reverse("search") + "?q=briefing").content.decode()
    assert "3 notes pour «\u00a0briefing\u00a0»" in html.unescape(page)


def test_publish_time_is_desk_time_in_french():
    now = timezone.now()
    with translation.override("fr"):
        assert " à " in desk_datetime(now)
