"""Turn the users in briefings' bylines into contributors, named by their full names.

A user with no full name gets no contributor: a login ("editor") is not a name to print,
which was the bug. Their briefings keep `created_by`; the desk adds a real byline. Revisions'
snapshots get the byline under its new key, so history and diffs keep showing it.
"""

from django.db import migrations
from django.utils.text import slugify


def unique_slug(name, taken):
    base = slugify(name)[:110] or "contributor"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def forwards(apps, schema_editor):
    Briefing = apps.get_model("newsroom", "Briefing")
    Contributor = apps.get_model("newsroom", "Contributor")
    Byline = apps.get_model("newsroom", "Byline")
    Revision = apps.get_model("newsroom", "Revision")
    Through = Briefing.authors.through
    taken = set(Contributor.objects.values_list("slug", flat=True))
    contributor_of = {}  # user pk -> contributor pk, or None for a user with no full name
    rows = Through.objects.select_related("user").order_by("briefing_id", "user__last_name", "pk")
    bylines = []
    position = {}
    for row in rows:
        user = row.user
        if user.pk not in contributor_of:
            name = f"{user.first_name} {user.last_name}".strip()
            contributor_of[user.pk] = (
                Contributor.objects.create(name=name, slug=unique_slug(name, taken), user=user).pk
                if name
                else None
            )
        if contributor_of[user.pk] is not None:
            n = position.get(row.briefing_id, 0)
            position[row.briefing_id] = n + 1
            bylines.append(
                Byline(
                    briefing_id=row.briefing_id, contributor_id=contributor_of[user.pk], position=n
                )
            )
    Byline.objects.bulk_create(bylines)
    names = dict(Contributor.objects.values_list("pk", "name"))
    for revision in Revision.objects.filter(data__has_key="authors").iterator():
        authors = revision.data.pop("authors") or []
        revision.data["contributors"] = [
            [contributor_of[pk], names[contributor_of[pk]]]
            for pk, _ in authors
            if contributor_of.get(pk) is not None
        ]
        revision.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0007_d2_contributors")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
