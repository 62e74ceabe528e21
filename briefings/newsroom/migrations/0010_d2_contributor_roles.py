"""Bylines for the roles: writers credit contributors on their drafts, editors keep the list."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = [("newsroom", f"{verb}_byline") for verb in ("add", "change", "delete", "view")]
WRITER += [("newsroom", "view_contributor")]
EDITOR = [*WRITER, ("newsroom", "add_contributor"), ("newsroom", "change_contributor")]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("newsroom")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in (("writer", WRITER), ("editor", EDITOR)):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0009_d2_remove_briefing_authors"), ("newsroom", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
