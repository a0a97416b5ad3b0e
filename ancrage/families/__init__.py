"""Family strengthening: referrals, the family support plan, home visits, outcomes."""
