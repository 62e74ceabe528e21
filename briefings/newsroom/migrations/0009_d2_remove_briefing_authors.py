from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0008_d2_bylines_from_authors")]

    operations = [migrations.RemoveField(model_name="briefing", name="authors")]
