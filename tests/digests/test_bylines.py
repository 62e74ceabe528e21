"""Digest and alert emails name the byline's contributors, as the pages do."""

import pytest

from briefings.digests import rendering, selection
from tests.factories import BriefingFactory, ContributorFactory, add_byline

pytestmark = pytest.mark.django_db


def test_digest_and_alert_name_contributors_in_order():
    briefing = BriefingFactory(headline="Pact signed")
    add_byline(
        briefing,
        ContributorFactory(name="Hélène Marchand"),
        ContributorFactory(name="Daniel Okafor"),
    )
    since = briefing.publish_at.replace(year=briefing.publish_at.year - 1)
    [candidate] = selection.load_candidates(since, briefing.publish_at)
    digest = rendering.render_digest("daily", [candidate.briefing])
    alert = rendering.render_alert(candidate.briefing)
    for prepared in (digest, alert):
        assert "By Hélène Marchand and Daniel Okafor · " in prepared.text
        assert "By Hélène Marchand and Daniel Okafor · " in prepared.html
