import datetime

import pytest
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.safeguarding import services


@pytest.fixture
def declarable(incidents):
    """The village's incident qualified by the head of service as a serious malfunction to
    declare, with an information préoccupante to the CRIP."""
    head = incidents.users[Role.HEAD_OF_SERVICE]
    # the facts happened four days ago (room for an alert 72 hours ago)
    incidents.incident.occurred_at = timezone.now() - datetime.timedelta(days=4)
    incidents.incident.save(update_fields=["occurred_at"])
    incidents.incident = services.qualify_incident(
        incidents.incident,
        expected_version=1,
        category="violence_between_children",
        severity="serious",
        serious_malfunction_to_declare=True,
        by=head,
    )
    services.record_transmission(
        incidents.incident,
        expected_version=incidents.incident.version,
        kind="information_preoccupante",
        transmitted_at=timezone.now() - datetime.timedelta(days=3),
        transmitted_by=head,
        recipient="CRIP de Loire-Atlantique",
        by=head,
    )
    incidents.incident.refresh_from_db()
    return incidents
