import django.contrib.postgres.search
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0003_revision_pins_and_deletions"),
    ]

    operations = [
        migrations.AddField(
            model_name="briefing",
            name="rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        # Existing briefings: their search vector's headline, dek and names (weights A and B).
        migrations.RunSQL(
            "UPDATE newsroom_briefing SET rank_vector = ts_filter(search_vector, '{a,b}')",
            migrations.RunSQL.noop,
        ),
    ]
