# Joins three branches of 2026-12-05: the O2R home's alert indexes, the referral consent moved to
# people.Consent, and the report's stored summaries. None depends on another.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("insertion", "0018_alert_page_indexes"),
        ("insertion", "0018_report_summary"),
        ("insertion", "0019_referral_consent_columns_dropped"),
    ]

    operations = []
