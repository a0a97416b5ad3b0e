"""The placement sections of a person's page, from the parts the user's role may read."""

from ancrage.kernel.access import can
from ancrage.placements.queries.measures import person_measures
from ancrage.placements.queries.moves import person_notices
from ancrage.placements.queries.visits import person_visit_summary


def placement_file(user, person, named=None, relations=None) -> dict:
    """The placement sections of a person page: measures, separations, judge notices and visit
    rights (`named`: the persons the user may see among the relatives of the visit rights, when
    the page already asked; `relations`: the kinds of the person's family links by relative,
    when the page already read them; see `person_visit_summary`)."""
    context = {}
    if can(user, "measure", "view"):
        context["measures"] = person_measures(person)
    if can(user, "judge_notice", "view"):
        context.update(person_notices(person))
    if can(user, "visit", "view"):
        context.update(person_visit_summary(user, person, named, relations))
    return context
