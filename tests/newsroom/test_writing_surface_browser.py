"""The writing surface in the real browser: paste, accept headings, preview, save, publish."""

import pytest
from django.urls import reverse

from briefings.newsroom.models import Briefing
from tests.conftest import screenshot
from tests.factories import ContributorFactory, editor, writer
from tests.newsroom.test_scheduling import roles  # noqa: F401  (groups survive the flush)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles")]

WORD_HTML = (
    "<html><head><style>p.MsoNormal{margin:0}</style></head><body><!--StartFragment-->"
    '<p class="MsoNormal"><b>I. A NEW TRANSATLANTIC DEFENSE ALLIANCE<o:p></o:p></b></p>'
    '<p class="MsoNormal">Canada and the EU signed a <i>security and defence partnership</i> '
    'at the <a href="https://www.consilium.europa.eu/">June 2025 summit</a>.</p>'
    "<ul><li>Dialogue on security</li><li>Industrial cooperation</li></ul>"
    "<!--EndFragment--></body></html>"
)
PLAIN_TEXT = (
    "1. Canada and EU Seal Security and Defense Agreement\n"
    "The partnership was agreed in Brussels on 23 June 2025.\n"
    'Officials called it "a milestone" -- the first of its kind for Canada.\n'
)


def log_in(page, live_server, user):
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")


def paste(page, html=None, text=""):
    """A real paste event on the body, with what a word processor puts on the clipboard."""
    page.locator("#id_body").focus()
    page.evaluate(
        """([html, text]) => {
            const body = document.getElementById("id_body");
            body.setSelectionRange(body.value.length, body.value.length);
            const data = new DataTransfer();
            if (html) data.setData("text/html", html);
            data.setData("text/plain", text);
            const init = {clipboardData: data, bubbles: true, cancelable: true};
            body.dispatchEvent(new ClipboardEvent("paste", init));
        }""",
        [html, text],
    )


def test_paste_accept_headings_preview_matches_public_page_and_save(live_server, page):
    author = writer(username="desk-writer")
    own = ContributorFactory(name="Daniel Okafor", slug="daniel-okafor", user=author)
    log_in(page, live_server, author)
    page.goto(live_server.url + reverse("admin:newsroom_briefing_add"))

    # The writer's own contributor is preselected in the byline.
    assert page.locator("#id_byline_rows-0-contributor").input_value() == str(own.pk)
    page.fill("#id_headline", "Canada and the EU seal a defence pact")
    assert page.locator(".writing-toolbar button").count() == 8

    paste(page, html=WORD_HTML, text="I. A NEW TRANSATLANTIC DEFENSE ALLIANCE\nCanada and…")
    offers = page.locator(".heading-offer")
    offers.first.wait_for()
    assert "## I. A NEW TRANSATLANTIC DEFENSE ALLIANCE" in offers.first.inner_text()
    offers.first.get_by_role("button", name="Make heading").click()

    paste(page, text=PLAIN_TEXT)
    page.locator(".heading-offer").first.wait_for()
    assert "### 1. Canada and EU Seal" in page.locator(".heading-offer").first.inner_text()
    page.locator("#body-preview", has_text="Officials called it").wait_for()
    screenshot(page, "admin-writing-surface-offers")
    page.get_by_role("button", name="Accept all").click()

    body = page.locator("#id_body").input_value()
    assert body.startswith("## I. A NEW TRANSATLANTIC DEFENSE ALLIANCE\n\nCanada and the EU")
    assert "*security and defence partnership*" in body
    assert "[June 2025 summit](https://www.consilium.europa.eu/)" in body
    assert "- Dialogue on security\n- Industrial cooperation" in body
    assert "### 1. Canada and EU Seal Security and Defense Agreement\n\nThe partnership" in body
    assert "\n\nOfficials called it" in body  # a single line break became a paragraph

    preview = page.locator("#body-preview")
    preview.locator("h3").wait_for()
    assert preview.locator("h2").inner_text() == "I. A NEW TRANSATLANTIC DEFENSE ALLIANCE"
    assert "“a milestone” – the first" in preview.inner_text()  # smart typography
    page.set_viewport_size({"width": 1400, "height": 1000})
    screenshot(page, "admin-writing-surface")
    preview_html = preview.inner_html()

    page.get_by_role("button", name="Save and continue editing").click()
    page.locator(".messagelist .success").wait_for()
    briefing = Briefing.objects.get(headline="Canada and the EU seal a defence pact")
    assert briefing.body.replace("\r\n", "\n") == body  # forms send CRLF
    assert briefing.byline() == [own]

    briefing.transition(Briefing.Status.REVIEW, by=author)
    briefing.transition(Briefing.Status.PUBLISHED, by=editor(username="desk-editor"))
    page.goto(live_server.url + briefing.get_absolute_url())
    public_html = page.locator(".briefing-body").inner_html()
    assert public_html.strip() == preview_html.strip()
    byline = page.locator(".byline a.author")
    assert byline.inner_text() == "Daniel Okafor"
    assert byline.get_attribute("href") == "/en/contributors/daniel-okafor/"
    byline.click()
    page.locator("h1", has_text="Daniel Okafor").wait_for()
    assert page.locator(".card-title").all_inner_texts() == [
        "Canada and the EU seal a defence pact"
    ]
    screenshot(page, "site-contributor-page")
