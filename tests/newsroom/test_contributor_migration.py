"""The migration that turned byline users into contributors, run on real rows."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("newsroom", "0007_d2_contributors")

pytestmark = pytest.mark.django_db(transaction=True)


def test_byline_users_become_contributors_by_full_name_never_a_login():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([BEFORE])
        old = executor.loader.project_state([BEFORE]).apps
        User = old.get_model("auth", "User")
        Briefing = old.get_model("newsroom", "Briefing")
        Revision = old.get_model("newsroom", "Revision")
        helene = User.objects.create(username="hm", first_name="Hélène", last_name="Marchand")
        login = User.objects.create(username="editor")  # no full name
        twin = User.objects.create(username="hm2", first_name="Hélène", last_name="Marchand")
        both = Briefing.objects.create(headline="Both", slug="both")
        both.authors.add(helene, login)
        Briefing.objects.create(headline="Twin", slug="twin").authors.add(twin)
        Revision.objects.create(
            briefing=both,
            number=1,
            version=1,
            data={"authors": [[helene.pk, "Hélène Marchand"], [login.pk, "editor"]]},
        )

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        new = (
            MigrationExecutor(connection)
            .loader.project_state(MigrationExecutor(connection).loader.graph.leaf_nodes())
            .apps
        )
        Contributor = new.get_model("newsroom", "Contributor")
        Byline = new.get_model("newsroom", "Byline")
        NewRevision = new.get_model("newsroom", "Revision")
        people = {c.slug: (c.name, c.user_id) for c in Contributor.objects.all()}
        assert people == {
            "helene-marchand": ("Hélène Marchand", helene.pk),
            "helene-marchand-2": ("Hélène Marchand", twin.pk),
        }
        named = Byline.objects.filter(briefing__slug="both").values_list(
            "contributor__name", flat=True
        )
        assert list(named) == ["Hélène Marchand"]  # "editor" is not a name
        data = NewRevision.objects.get().data
        assert "authors" not in data
        assert [name for _, name in data["contributors"]] == ["Hélène Marchand"]
    finally:
        call_command("migrate", verbosity=0)
