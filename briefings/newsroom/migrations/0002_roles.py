"""The desk's roles as groups: writers draft and submit, editors edit anything and publish."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = ["briefing", "keyfigure", "source", "taggedbriefing", "correction"]
REFERENCE = [
    ("actors", ["actor", "membership", "office", "officeterm"]),
    ("agreements", ["agreement", "agreementrelation", "party", "partyaction"]),
    ("events", ["event", "participation"]),
]

WRITER = [
    ("newsroom", f"{verb}_{model}") for model in CONTENT for verb in ("add", "change", "view")
]
WRITER += [("taggit", f"{verb}_tag") for verb in ("add", "view")]
WRITER += [(app, f"view_{model}") for app, models in REFERENCE for model in models]

EDITOR = [
    ("newsroom", f"{verb}_{model}") for model in CONTENT for verb in ("add", "change", "view")
]
EDITOR += [("newsroom", "delete_keyfigure"), ("newsroom", "delete_source")]
EDITOR += [("newsroom", "publish_briefing"), ("newsroom", "edit_any_briefing")]
EDITOR += [("newsroom", "view_transition"), ("newsroom", "view_revision")]
EDITOR += [("newsroom", f"{verb}_previewlink") for verb in ("add", "change", "view")]
EDITOR += [("taggit", f"{verb}_tag") for verb in ("add", "change", "delete", "view")]
EDITOR += [
    (app, f"{verb}_{model}")
    for app, models in REFERENCE
    for model in models
    for verb in ("add", "change", "delete", "view")
]


def create_roles(apps, schema_editor):
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
        ("newsroom", "0001_initial"),
        ("actors", "0001_initial"),
        ("agreements", "0001_initial"),
        ("events", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
