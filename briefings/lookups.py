"""The `unaccented` transform: accent-insensitive name matching that an index can serve.

PostgreSQL's unaccent() is only STABLE (its dictionary could change), so no index may be built
over it and every name search read whole tables. `briefings_unaccent`, created by migration
actors 0003, pins the dictionary and is IMMUTABLE: trigram indexes over
UPPER(briefings_unaccent(column)) then answer `column__unaccented__icontains`.
"""

from django.db.models import CharField, TextField, Transform


@CharField.register_lookup
@TextField.register_lookup
class Unaccented(Transform):
    lookup_name = "unaccented"
    function = "briefings_unaccent"
    # The searched words are unaccented too, so “António” finds “Antonio” and the reverse.
    bilateral = True
    output_field = TextField()
