"""The insertion app's queries, reads scoped to a user: one module per part (programme,
outreach, beneficiary, accompaniment, activity, referral). Every read that names beneficiaries
is audited."""
