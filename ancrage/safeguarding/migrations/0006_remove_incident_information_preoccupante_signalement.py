from django.db import migrations


class Migration(migrations.Migration):
    """The qualification's two checkboxes, replaced by the transmission records (0005)."""

    dependencies = [
        ("safeguarding", "0005_transmissions_from_qualification"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="incident",
            name="information_preoccupante",
        ),
        migrations.RemoveField(
            model_name="incident",
            name="signalement",
        ),
    ]
