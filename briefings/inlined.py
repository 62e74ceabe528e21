"""Related rows fetched inside their parent's query, as JSON, instead of one prefetch each.

A briefing page prefetched eight relations: nine queries, and 64 querysets' worth of ORM work
(≈12 ms of the ≈24 ms a page cost). `inlined(queryset, "actors", "key_figures", ...)` adds one
correlated subquery per relation (`jsonb_agg(to_jsonb(row) ORDER BY ...)`), so the parent and
everything it shows come back in one round trip, and rebuilds the rows as model instances in
the prefetch cache: templates keep calling `briefing.actors.all`, with no query behind it.

Works for forward many-to-many fields (taggit's TaggableManager too) and reverse foreign keys;
rows are ordered as the related model's Meta.ordering says when it names its own columns,
else in link order.
"""

from functools import cache

from django.db import connection
from django.db.models import ForeignKey, JSONField
from django.db.models.expressions import RawSQL
from django.db.models.fields.related import ManyToManyField, ManyToOneRel
from taggit.managers import TaggableManager

PREFIX = "_inlined_"


def _order(model, alias, fallback):
    """Meta.ordering as SQL over `alias`, when every term is one of the model's own fields."""
    quote = connection.ops.quote_name
    terms = []
    for term in model._meta.ordering or ():
        if not isinstance(term, str):
            return fallback
        name = term.lstrip("-")
        field = model._meta.pk if name == "pk" else None
        if field is None:
            try:
                field = model._meta.get_field(name)
            except Exception:
                return fallback
        if getattr(field, "column", None) is None or "__" in name:
            return fallback
        terms.append(f"{alias}.{quote(field.column)}{' DESC' if term.startswith('-') else ''}")
    return ", ".join(terms) or fallback


@cache
def _subquery(model, name):
    """SQL for one relation of `model`'s rows as a JSON array; and the related model."""
    quote = connection.ops.quote_name
    field = model._meta.get_field(name)
    parent = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    if isinstance(field, ManyToManyField | TaggableManager):
        target = field.related_model
        through = field.remote_field.through
        fks = [f for f in through._meta.concrete_fields if isinstance(f, ForeignKey)]
        source = next(f for f in fks if f.related_model is model)
        link = next(f for f in fks if f is not source and f.related_model is target)
        # An ordered through model (bylines) orders the relation; else the target's ordering.
        order = _order(through, "l", "") or _order(
            target, "t", f"l.{quote(through._meta.pk.column)}"
        )
        sql = (
            f"SELECT COALESCE(jsonb_agg(to_jsonb(t) ORDER BY {order}), '[]'::jsonb) "  # noqa: S608 - names from _meta, quoted
            f"FROM {quote(target._meta.db_table)} t JOIN {quote(through._meta.db_table)} l "
            f"ON l.{quote(link.column)} = t.{quote(target._meta.pk.column)} "
            f"WHERE l.{quote(source.column)} = {parent}"
        )
        return sql, target
    if isinstance(field, ManyToOneRel):
        target = field.related_model
        order = _order(target, "t", f"t.{quote(target._meta.pk.column)}")
        sql = (
            f"SELECT COALESCE(jsonb_agg(to_jsonb(t) ORDER BY {order}), '[]'::jsonb) "  # noqa: S608 - names from _meta, quoted
            f"FROM {quote(target._meta.db_table)} t "
            f"WHERE t.{quote(field.field.column)} = {parent}"
        )
        return sql, target
    raise TypeError(f"{model.__name__}.{name} is not a to-many relation")


def instances(model, rows):
    """JSON rows (to_jsonb of the table) as model instances, as if fetched by the ORM."""
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    return [
        model.from_db(connection.alias, names, [f.to_python(row.get(f.column)) for f in fields])
        for row in rows
    ]


def inlined(queryset, *names):
    """`queryset` with each to-many relation in `names` fetched in the same query, as JSON."""
    model = queryset.model
    annotations = {}
    for name in names:
        sql, _ = _subquery(model, name)
        annotations[PREFIX + name] = RawSQL(sql, (), output_field=JSONField())  # noqa: S611 - no input
    return queryset.annotate(**annotations)


def attach(obj, *names):
    """Put an `inlined()` row's relations in its prefetch cache; returns the object."""
    prefetched = obj.__dict__.setdefault("_prefetched_objects_cache", {})
    for name in names:
        _, target = _subquery(type(obj), name)
        related = getattr(obj, name).get_queryset()
        related._result_cache = instances(target, obj.__dict__.pop(PREFIX + name) or [])
        related._prefetch_done = True
        prefetched[name] = related
    return obj
