"""The admin log written before the administration was hardened may name followed persons (a
child's file, a young person's account): those entries keep their action and date, not the name
(ancrage.kernel.admin_site.scrub_admin_log)."""

from django.db import migrations

from ancrage.kernel.admin_site import scrub_admin_log


def scrub(apps, schema_editor):
    scrub_admin_log(
        apps.get_model("admin", "LogEntry"),
        apps.get_model("accounts", "User"),
        apps.get_model("accounts", "Membership"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_roles_dpo_hr_family_worker"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
