"""The desk's roles get the image library: writers upload and describe, editors also delete."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = [("images", f"{verb}_image") for verb in ("add", "change", "view")]
EDITOR = [("images", f"{verb}_image") for verb in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
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
    dependencies = [
        ("images", "0001_e_image_library"),
        ("newsroom", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
