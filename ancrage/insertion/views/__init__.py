"""The insertion app's views: one module per part (programme, outreach, beneficiary,
accompaniment, activity, referral, report)."""
