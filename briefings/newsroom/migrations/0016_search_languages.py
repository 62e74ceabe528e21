"""Search per language: a French configuration beside the English one, one index per language.

Every briefing was indexed with the English `briefings` configuration; each is now indexed
with its own language's (`briefings_en` is the same as `briefings` was, `briefings_fr` the
French stemmer after unaccent), and French ones are re-indexed here.
"""

import django.contrib.postgres.indexes
from django.db import migrations, models

CONFIGURATION = """
CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {language});
ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR hword, hword_part, word
    WITH unaccent, {language}_stem;
"""


def reindex(apps, schema_editor):
    """What the site's update_search_vector() does, on the historical model."""
    from briefings.newsroom.search import RANK_VECTOR, briefing_vector

    Briefing = apps.get_model("newsroom", "Briefing")
    Briefing.objects.using(schema_editor.connection.alias).update(
        search_vector=briefing_vector(Briefing)
    )
    Briefing.objects.using(schema_editor.connection.alias).update(rank_vector=RANK_VECTOR)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0015_briefing_language"),
    ]

    operations = [
        # 0001 created it already; a database restored without extensions gets it back.
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS unaccent", migrations.RunSQL.noop),
        migrations.RunSQL(
            sql=CONFIGURATION.format(name="briefings_en", language="english")
            + CONFIGURATION.format(name="briefings_fr", language="french"),
            reverse_sql=[
                "DROP TEXT SEARCH CONFIGURATION briefings_fr",
                "DROP TEXT SEARCH CONFIGURATION briefings_en",
            ],
        ),
        migrations.RemoveIndex(model_name="briefing", name="briefing_search_idx"),
        migrations.RunPython(reindex, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="briefing",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("language", "en")),
                fields=["search_vector"],
                name="briefing_search_en_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="briefing",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("language", "fr")),
                fields=["search_vector"],
                name="briefing_search_fr_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="briefing",
            index=models.Index(
                fields=["language", "translation_of"],
                include=["status", "publish_at", "expires_at"],
                name="briefing_versions_idx",
            ),
        ),
        # Nothing reads the old configuration any more.
        migrations.RunSQL(
            "DROP TEXT SEARCH CONFIGURATION briefings",
            CONFIGURATION.format(name="briefings", language="english"),
        ),
    ]
