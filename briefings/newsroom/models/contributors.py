"""Contributors: the people bylines name, whether or not they have a login.

A byline is a public statement about a person ("By Hélène Marchand"), so it names a
Contributor, never a user account: a login's username is not a name, and many bylines
(freelancers, guest authors, former staff) belong to people who never sign in. A contributor
may be tied to the account of a writer on the desk, which preselects them on a new briefing.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from briefings.paths import slug_path

_url = URLValidator(schemes=["http", "https"])


def validate_links(value):
    """One http(s) address per line: anything else (javascript:, data:…) is refused."""
    bad = []
    for line in value.splitlines():
        if line.strip():
            try:
                _url(line.strip())
            except ValidationError:
                bad.append(line.strip())
    if bad:
        raise ValidationError(
            "Each line must be one web address starting with http:// or https://: %(bad)s",
            params={"bad": ", ".join(bad[:3])},
            code="bad_link",
        )


class Contributor(models.Model):
    name = models.CharField(max_length=120, help_text="As it appears in bylines.")
    slug = models.SlugField(max_length=120, unique=True, help_text="The author page's address.")
    role = models.CharField(
        "role or title", max_length=120, blank=True, help_text="E.g. “Senior analyst, Europe”."
    )
    bio = models.TextField("short bio", max_length=1200, blank=True)
    links = models.TextField(
        blank=True,
        validators=[validate_links],
        help_text="Web pages about them (their site, a social profile): one address per line.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributor",
        verbose_name="desk account",
        help_text="Optional: the login of a writer on the desk, whose new briefings name them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["name"], name="contributor_name_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="contributor_has_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_path("contributors:detail", self.slug)

    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class Byline(models.Model):
    """A contributor named on a briefing, at a position: bylines are ordered."""

    briefing = models.ForeignKey(
        "newsroom.Briefing", on_delete=models.CASCADE, related_name="byline_rows"
    )
    contributor = models.ForeignKey(Contributor, on_delete=models.PROTECT, related_name="credits")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "contributor"], name="byline_contributor_once"
            ),
        ]
        indexes = [models.Index(fields=["contributor", "briefing"], name="byline_contributor_idx")]

    def __str__(self):
        return str(self.contributor)
