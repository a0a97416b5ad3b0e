"""The placements app's queries (reads scoped to a user): one module per part (stays and the
village board, admissions, measures and documents, judge notices, visits) and the placement
sections of a person's page. Their names are re-exported here, so that
`from ancrage.placements.queries import ...` keeps working for the apps above."""

from ancrage.placements.queries.admissions import visible_admission, waiting_list
from ancrage.placements.queries.measures import (
    person_measures,
    renewable_measures,
    visible_document,
    visible_measure,
)
from ancrage.placements.queries.moves import person_notices, village_notice
from ancrage.placements.queries.person import placement_file
from ancrage.placements.queries.stays import (
    UPCOMING_DAYS,
    current_stays,
    house_beds,
    houses_of,
    occupancy_board,
    stays_with_current,
    village_board,
    villages_of,
    visible_village,
)
from ancrage.placements.queries.visits import (
    CALENDAR_DAYS,
    UPCOMING_VISITS,
    person_visit_summary,
    person_visits,
    relatives_for_visits,
    start_of,
    village_visits,
    visible_visit,
    visit_right_relatives,
    visit_rights_for_planning,
)

__all__ = [
    "CALENDAR_DAYS",
    "UPCOMING_DAYS",
    "UPCOMING_VISITS",
    "current_stays",
    "house_beds",
    "houses_of",
    "occupancy_board",
    "person_measures",
    "person_notices",
    "person_visit_summary",
    "person_visits",
    "placement_file",
    "stays_with_current",
    "relatives_for_visits",
    "renewable_measures",
    "start_of",
    "village_board",
    "village_notice",
    "village_visits",
    "villages_of",
    "visible_admission",
    "visible_document",
    "visible_measure",
    "visible_village",
    "visible_visit",
    "visit_right_relatives",
    "visit_rights_for_planning",
    "waiting_list",
]
