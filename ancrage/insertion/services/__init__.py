"""The insertion app's services: one module per part (programme, outreach, beneficiary,
accompaniment, activity, referral), each write in its own transaction; refusals are
ValidationErrors with French messages naming the field at fault."""
