import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def alert_groups(apps, schema_editor):
    """Alerts so far were of originals: each is its own translation group."""
    Alert = apps.get_model("digests", "Alert")
    Alert.objects.update(group_id=F("briefing_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("digests", "0006_f_welcomed_at"),
        ("newsroom", "0015_briefing_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("fr", "Français")],
                default="en",
                help_text="Confirmation, digests and alerts come in this language.",
                max_length=8,
                verbose_name="language of the emails",
            ),
        ),
        migrations.AddConstraint(
            model_name="subscriber",
            constraint=models.CheckConstraint(
                condition=models.Q(("language__in", ["en", "fr"])),
                name="subscriber_language_valid",
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="group",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="newsroom.briefing",
            ),
        ),
        migrations.RunPython(alert_groups, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="alert",
            name="group",
            field=models.ForeignKey(
                help_text="The original of the briefing's translation group (the briefing "
                "itself if it is an original).",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="newsroom.briefing",
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                fields=("group", "subscriber"), name="alert_unique_group_subscriber"
            ),
        ),
    ]
