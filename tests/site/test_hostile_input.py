"""Bad input never answers 500: NUL, control characters, long and non-slug strings.

Issue 16, item 1. The explicit cases are those an outside battery found answering 500; the
property-based tests drive every public URL and filter parameter with hostile strings.
"""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.digests.factories import SubscriberFactory
from tests.factories import ActorFactory, AgreementFactory, BriefingFactory, EventFactory

pytestmark = pytest.mark.django_db

NUL = "\x00"

# Strings a hostile client sends: control characters, NUL inside a slug, very long values,
# unicode that is no slug, ids that are no number, and whatever else Hypothesis comes up with.
HOSTILE = st.one_of(
    st.sampled_from([NUL, "a\x00b", "\x01", "\x1f", "\x7f", "\t", "\n", "abc", "-1", "0"]),
    st.sampled_from(["é", "Québec", "名前", "a b", "../../etc", "%00", "'; --", "<svg>"]),
    st.text(min_size=1, max_size=20),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=3000),
    st.just("x" * 5000),
)
FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def sane(response):
    """4xx or 200 (or a redirect, as the admin answers a bad lookup); never a server error."""
    return response.status_code < 500


# -- the battery's 500s, one by one ---------------------------------------------------------


@pytest.mark.parametrize("param", ["tag", "actor", "agreement"])
def test_briefing_list_filter_with_nul_is_404(client, param):
    assert client.get("/en/briefings/", {param: NUL}).status_code == 404


@pytest.mark.parametrize("param", ["actor", "agreement"])
def test_event_list_filter_with_nul_is_404(client, param):
    assert client.get("/en/events/", {param: NUL}).status_code == 404


@pytest.mark.parametrize("param", ["tag", "actor", "agreement"])
def test_subscribe_prefill_with_nul_is_ignored(client, param):
    response = client.get("/en/subscribe/", {param: NUL})
    assert response.status_code == 200


def test_preview_token_with_nul_is_404(client):
    assert client.get("/en/briefings/preview/%00/").status_code == 404


def test_subscribe_post_with_nul_tag_is_a_form_error(client):
    response = client.post(
        "/en/subscribe/",
        {"email": "reader@mail.example", "follow": "chosen", "tags": NUL, "frequency": "daily"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["tags"]
    assert form["email"].value() == "reader@mail.example"


def test_preferences_post_with_nul_tag_is_a_form_error(client):
    subscriber = SubscriberFactory()
    response = client.post(
        subscriber.get_absolute_url(), {"follow": "chosen", "tags": NUL, "frequency": "daily"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["tags"]


def test_valid_filters_still_answer(client):
    actor, agreement = ActorFactory(), AgreementFactory()
    briefing = BriefingFactory(tags=["Québec"])
    briefing.actors.add(actor)
    briefing.agreements.add(agreement)
    tag = briefing.tags.get().slug
    for params in ({"tag": tag}, {"actor": actor.slug}, {"agreement": agreement.slug}):
        response = client.get("/en/briefings/", params)
        assert response.status_code == 200
        assert briefing.headline in response.content.decode()
    assert client.get("/en/events/", {"actor": actor.slug}).status_code == 200
    response = client.get("/en/subscribe/", {"tag": tag, "actor": actor.slug})
    assert response.context["form"].initial["actors"] == [actor]


# -- every public URL and parameter, driven by Hypothesis -----------------------------------

# The query parameters each public page reads (briefings/site/urls.py and its views).
QUERY_PARAMETERS = [
    ("/en/", ["page"]),
    ("/en/briefings/", ["tag", "actor", "agreement", "type", "page"]),
    ("/en/events/", ["actor", "agreement", "kind", "from", "to", "page"]),
    ("/en/actors/", ["page"]),
    ("/en/agreements/", ["page"]),
    ("/en/agreements/ceta/", ["as_of"]),
    ("/en/agreements/ceta/parties.csv", ["as_of"]),
    ("/en/agreements/ceta/actions.json", ["as_of"]),
    ("/en/tags/", ["letter", "page"]),
    ("/en/search/", ["q", "page"]),
    ("/en/subscribe/", ["tag", "actor", "agreement", "email"]),
    ("/en/feeds/rss/", ["page"]),
]
# Pages whose path carries a slug, a token or a name: {} is where the hostile string goes.
PATHS = [
    "/en/briefings/{}/",
    "/en/briefings/preview/{}/",
    "/en/briefings/preview/desk/{}/",
    "/en/actors/{}/",
    "/en/actors/{}/rss/",
    "/en/actors/{}/atom/",
    "/en/agreements/{}/",
    "/en/agreements/{}/rss/",
    "/en/agreements/{}/parties.csv",
    "/en/agreements/{}/actions.json",
    "/en/events/{}/",
    "/en/tags/{}/",
    "/en/tags/{}/rss/",
    "/en/tags/{}/atom/",
    "/sitemap-{}.xml",
    "/en/subscribe/confirm/{}/",
    "/en/subscribe/preferences/{}/",
    "/en/subscribe/unsubscribe/{}/",
    "/en/subscribe/dev-mailbox/{}/",
]
QUERIES = [(url, name) for url, names in QUERY_PARAMETERS for name in names]


@pytest.fixture
def desk():
    """A little of everything, so that filters and follow lists have something to match."""
    actor, agreement = ActorFactory(), AgreementFactory(slug="ceta")
    briefing = BriefingFactory(tags=["Trade"])
    briefing.actors.add(actor)
    briefing.agreements.add(agreement)
    EventFactory()
    return SubscriberFactory(email="fixed@mail.example")


# Each example drives every URL and parameter, so each hostile string meets all of them.
@FAST
@given(value=HOSTILE)
def test_no_public_parameter_answers_500(client, desk, value):
    for url, name in QUERIES:
        assert sane(client.get(url, {name: value})), (url, name, value)


@FAST
@given(values=st.lists(HOSTILE, min_size=2, max_size=4))
def test_repeated_parameters_answer_no_500(client, desk, values):
    for url, name in QUERIES:
        assert sane(client.get(url, {name: values})), (url, name, values)


@FAST
@given(value=HOSTILE)
def test_no_slugged_or_tokened_page_answers_500(client, desk, value):
    for path in PATHS:
        url = path.format(quote(value, safe=""))
        assert sane(client.get(url)), url


@FAST
@given(
    field=st.sampled_from(["email", "follow", "tags", "actors", "agreements", "frequency"]),
    value=HOSTILE,
)
def test_no_subscribe_post_answers_500(client, desk, field, value):
    data = {"email": "reader@mail.example", "follow": "chosen", "frequency": "daily"}
    data["tags"] = "trade"
    data[field] = value
    assert sane(client.post("/en/subscribe/", data)), (field, value)


@FAST
@given(
    field=st.sampled_from(["follow", "tags", "actors", "agreements", "frequency", "paused"]),
    value=HOSTILE,
)
def test_no_preferences_post_answers_500(client, desk, field, value):
    url = desk.get_absolute_url()
    data = {"follow": "chosen", "frequency": "daily", "tags": "trade", field: value}
    assert sane(client.post(url, data)), (field, value)
