"""Lookups PostgreSQL serves from an index: `unaccented` and `any`.

`unaccented`: accent-insensitive name matching that an index can serve.

PostgreSQL's unaccent() is only STABLE (its dictionary could change), so no index may be built
over it and every name search read whole tables. `briefings_unaccent`, created by migration
actors 0003, pins the dictionary and is IMMUTABLE: trigram indexes over
UPPER(briefings_unaccent(column)) then answer `column__unaccented__icontains`.
"""

from django.db.models import CharField, Field, ForeignObject, Lookup, TextField, Transform


@CharField.register_lookup
@TextField.register_lookup
class Unaccented(Transform):
    lookup_name = "unaccented"
    function = "briefings_unaccent"
    # The searched words are unaccented too, so “António” finds “Antonio” and the reverse.
    bilateral = True
    output_field = TextField()


@Field.register_lookup
@ForeignObject.register_lookup
class AnyOf(Lookup):
    """`field__any=subquery`: field = ANY(ARRAY(subquery)), the subquery run once, first.

    Given `IN (subquery … LIMIT n)` PostgreSQL may hash a whole table to join it; given an
    array it reads only the matching rows off an index. It also saves fetching the ids and
    sending them back in a second query.
    """

    lookup_name = "any"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
