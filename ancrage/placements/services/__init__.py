"""The placements app's services: one module per part (stays and the rules every admission and
move obeys, measures and documents, admissions, moves and exits with the judge's notices,
visits), each write in one transaction. Their names are re-exported here, so that
`from ancrage.placements.services import ...` keeps working for the apps and tools above."""

from ancrage.placements.services.admissions import (
    accept_admission,
    admit_children,
    decline_admission,
    register_admission_request,
)
from ancrage.placements.services.measures import (
    attach_document,
    record_measure,
)
from ancrage.placements.services.moves import (
    EMERGENCY_NOTICE_DAYS,
    PLACEMENT_CHANGE_NOTICE_MONTHS,
    mark_judge_informed,
    move_child,
    open_stay,
    record_exit,
)
from ancrage.placements.services.stays import (
    SEPARATION_NOTICE_DAYS,
    CoPlacement,
    Justification,
    association_co_placement,
    association_co_placement_computed,
    check_capacity,
    co_placement,
    placed_siblings,
    separated_pairs,
    village_co_placement,
)
from ancrage.placements.services.visits import plan_visit, record_visit_outcome, set_visit_right

__all__ = [
    "EMERGENCY_NOTICE_DAYS",
    "PLACEMENT_CHANGE_NOTICE_MONTHS",
    "SEPARATION_NOTICE_DAYS",
    "CoPlacement",
    "Justification",
    "accept_admission",
    "admit_children",
    "association_co_placement",
    "association_co_placement_computed",
    "attach_document",
    "check_capacity",
    "co_placement",
    "decline_admission",
    "mark_judge_informed",
    "move_child",
    "open_stay",
    "placed_siblings",
    "plan_visit",
    "record_exit",
    "record_measure",
    "record_visit_outcome",
    "register_admission_request",
    "separated_pairs",
    "set_visit_right",
    "village_co_placement",
]
