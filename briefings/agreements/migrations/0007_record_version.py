"""An agreement's record version, kept by the database, and when its linked records changed.

`record_version` moves whenever anything an agreement's record shows changes: its own row; a
relation from or to it, or the slug of the agreement at a relation's other end; a party, a
party's action, or the shown fields of a party's actor (slug, name, kind, ISO codes, Wikidata
id, their French in `i18n`); deletions included. What is laid out from an agreement's record
(the API's answer fragments) is cached under it, so it must never lag a change.

Triggers, not Django signals: receivers miss `QuerySet.update()`, `bulk_create()`, raw SQL,
COPY and data migrations (0005 updates actions with `update()`), and a missed bump would serve
a stale record until the cache entry expires. A trigger sees every write, in the writing
transaction: a reader sees the new version exactly when it sees the new rows. The child tables'
triggers are per statement, over its transition tables, so a bulk load or a cascade bumps each
agreement once, not once a row. They lock the agreement's row until the change commits: two
editors changing one agreement's parties at once wait on each other, as they should.

The version is a microsecond clock, never less than the one before plus one: it only grows,
and a database restored from an earlier dump goes on from the present time, never reissuing a
version whose fragments may still be in the cache.

`linked_changed_at` is when a linked record (party, action, relation, party's actor, related
agreement's slug) last changed, for `updated_since`: an action dated before a client's last
sync but recorded after it, or a removed party, must be listed. An agreement's own changes are
its `updated_at`. Before this migration nobody recorded when a linked record changed, so
existing agreements take the migration's time: the earliest moment of which "changed by then"
is certainly true. A client syncing from before it lists each agreement once more; none is
missed.
"""

from django.db import migrations, models

CLOCK = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"

# Each table's rows (a transition table, `{rows}`) → the agreements whose record they touch.
TOUCHED = {
    "agreements_party": "SELECT agreement_id FROM {rows}",
    "agreements_partyaction": (
        "SELECT p.agreement_id FROM {rows} r JOIN agreements_party p ON p.id = r.party_id"
    ),
    "agreements_agreementrelation": (
        "SELECT source_id FROM {rows} UNION SELECT target_id FROM {rows}"
    ),
}
ACTOR_SHOWN = ["slug", "name", "kind", "iso_alpha2", "iso_alpha3", "wikidata_qid", "i18n"]


def row_of(columns, alias):
    return "ROW(" + ", ".join(f"{alias}.{c}" for c in columns) + ")"


def statement_triggers(table):
    """A function over the statement's transition tables and its three triggers."""
    touched = TOUCHED[table]
    new, old = touched.format(rows="new_rows"), touched.format(rows="old_rows")
    return f"""
CREATE FUNCTION {table}_touch_agreements() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM agreements_touch(ARRAY({new}));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM agreements_touch(ARRAY({new} UNION {old}));
    ELSE
        PERFORM agreements_touch(ARRAY({old}));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {table}_inserted AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_touch_agreements();
CREATE TRIGGER {table}_updated AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_touch_agreements();
CREATE TRIGGER {table}_deleted AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_touch_agreements();
"""


FORWARD = f"""
UPDATE agreements_agreement SET record_version = {CLOCK} + id, linked_changed_at = now();

-- Nothing to touch, no UPDATE: its statement trigger would call this again, and again.
CREATE FUNCTION agreements_touch(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) > 0 THEN
        UPDATE agreements_agreement SET linked_changed_at = clock_timestamp()
        WHERE id = ANY(ids);
    END IF;
END $$;

CREATE FUNCTION agreements_agreement_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.record_version := {CLOCK};
    ELSE
        NEW.record_version := greatest(OLD.record_version + 1, {CLOCK});
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER agreements_agreement_version BEFORE INSERT OR UPDATE ON agreements_agreement
    FOR EACH ROW EXECUTE FUNCTION agreements_agreement_version();

-- A relation shows the slug of the agreement at its other end.
CREATE FUNCTION agreements_agreement_slug_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM agreements_touch(ARRAY(
        WITH renamed AS (
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.slug <> o.slug
        )
        SELECT r.source_id FROM agreements_agreementrelation r JOIN renamed ON r.target_id = renamed.id
        UNION
        SELECT r.target_id FROM agreements_agreementrelation r JOIN renamed ON r.source_id = renamed.id
    ));
    RETURN NULL;
END $$;
CREATE TRIGGER agreements_agreement_slug_changed AFTER UPDATE ON agreements_agreement
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agreements_agreement_slug_changed();

-- A party shows its actor's slug, name, kind, codes and their French; an actor with parties
-- cannot be deleted (PROTECT), and one without any touches no agreement when it appears.
CREATE FUNCTION agreements_actor_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM agreements_touch(ARRAY(
        SELECT p.agreement_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN agreements_party p ON p.actor_id = n.id
        WHERE {row_of(ACTOR_SHOWN, "n")} IS DISTINCT FROM {row_of(ACTOR_SHOWN, "o")}
    ));
    RETURN NULL;
END $$;
CREATE TRIGGER agreements_actor_changed AFTER UPDATE ON actors_actor
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agreements_actor_changed();
""" + "".join(statement_triggers(table) for table in TOUCHED)  # noqa: S608 - constants, no input

BACKWARD = (
    "".join(
        f"DROP TRIGGER {table}_{event} ON {table}; "
        for table in TOUCHED
        for event in ("inserted", "updated", "deleted")
    )
    + "".join(f"DROP FUNCTION {table}_touch_agreements(); " for table in TOUCHED)
    + """
DROP TRIGGER agreements_actor_changed ON actors_actor;
DROP FUNCTION agreements_actor_changed();
DROP TRIGGER agreements_agreement_slug_changed ON agreements_agreement;
DROP FUNCTION agreements_agreement_slug_changed();
DROP TRIGGER agreements_agreement_version ON agreements_agreement;
DROP FUNCTION agreements_agreement_version();
DROP FUNCTION agreements_touch(bigint[]);
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0005_refdata_i18n"),
        ("agreements", "0006_refdata_i18n"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="linked_changed_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text=(
                    "When a party, action, relation or party's actor shown with it last changed."
                ),
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="agreement",
            name="record_version",
            field=models.BigIntegerField(
                db_default=0,
                editable=False,
                help_text=(
                    "Moves whenever anything the agreement's record shows changes; set by triggers."
                ),
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
