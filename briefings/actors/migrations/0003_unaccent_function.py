from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

# unaccent() with its dictionary named is as immutable as the dictionary, which the desk never
# changes: declared so, it may be indexed (see briefings.lookups). Qualified names keep it
# independent of the caller's search_path.
CREATE = """
CREATE FUNCTION briefings_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN public.unaccent('public.unaccent'::regdictionary, $1)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0002_constraint_messages"),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunSQL(CREATE, "DROP FUNCTION briefings_unaccent(text)"),
    ]
