"""The child's care: each part of the app keeps its models in its own module, imported here so
Django finds them (PPE, reviews and reports; journal; appointments; autonomy)."""

from ancrage.care.models import agenda, autonomy, journal  # noqa: F401
from ancrage.care.models.deadlines import DeadlineReminder, OverdueSummary  # noqa: F401
from ancrage.care.models.ppe import (  # noqa: F401
    PPE,
    Action,
    Objective,
    PlannedReview,
    PPEVersion,
    Review,
)
from ancrage.care.models.reports import SituationReport  # noqa: F401
