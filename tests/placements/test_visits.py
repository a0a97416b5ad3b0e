"""Family visits, each test named after the rule it proves: who may have a visit right, what a
right needs, when a visit may be planned, what an outcome says; then the pages, who may use
them, and their pinned query counts."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent, BreakGlass
from ancrage.people.models import FamilyLink
from ancrage.people.services import link_relatives
from ancrage.placements.models import Visit, VisitRight
from ancrage.placements.queries import person_visit_summary
from ancrage.placements.services import plan_visit, record_visit_outcome, set_visit_right
from tests.conftest import login
from tests.people.factories import PersonFactory, StayFactory

TODAY = datetime.date.today()


def at(days, hour=14):
    """An aware date and time `days` from today, at `hour` o'clock in the village's time zone."""
    day = TODAY + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def head(world):
    return world.users[Role.HEAD_OF_SERVICE]


@pytest.fixture
def right(world, head):
    """Léa's mother visits her freely, every other Saturday, since a month ago."""
    return set_visit_right(
        world.child,
        world.mother,
        VisitRight.Mode.FREE,
        frequency="Un samedi sur deux",
        start_date=TODAY - datetime.timedelta(days=30),
        by=head,
    )


def form_datetime(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# Visit rights ----------------------------------------------------------------------------------


def test_visit_right_only_for_a_relative(world, head):
    with pytest.raises(ValidationError) as error:
        set_visit_right(world.child, world.former_child, VisitRight.Mode.FREE, by=head)
    assert "n'est pas un proche de Léa Martin" in error.value.message_dict["relative"][0]
    assert not VisitRight.objects.exists()
    # a brother is a relative too (a family link of any kind)
    assert set_visit_right(world.child, world.sibling, VisitRight.Mode.FREE, by=head).pk


def test_mediated_visit_names_a_third_party(world, head):
    with pytest.raises(ValidationError) as error:
        set_visit_right(
            world.child, world.mother, VisitRight.Mode.MEDIATED, third_party="  ", by=head
        )
    assert "en présence d'un tiers" in error.value.message_dict["third_party"][0]
    assert not VisitRight.objects.exists()
    right = set_visit_right(
        world.child,
        world.mother,
        VisitRight.Mode.MEDIATED,
        third_party="Point rencontre de l'UDAF",
        by=head,
    )
    assert right.third_party == "Point rencontre de l'UDAF"


def test_visit_right_dates_in_order(world, head):
    with pytest.raises(ValidationError) as error:
        set_visit_right(
            world.child,
            world.mother,
            VisitRight.Mode.FREE,
            start_date=TODAY,
            end_date=TODAY - datetime.timedelta(days=1),
            by=head,
        )
    assert "ne peut pas précéder son début" in error.value.message_dict["end_date"][0]
    assert not VisitRight.objects.exists()


def test_new_right_ends_the_previous_one(world, head, right):
    suspended = set_visit_right(
        world.child, world.mother, VisitRight.Mode.SUSPENDED, start_date=TODAY, by=head
    )
    right.refresh_from_db()
    assert right.end_date == TODAY - datetime.timedelta(days=1)
    assert list(VisitRight.objects.in_force(TODAY)) == [suspended]
    assert list(VisitRight.objects.in_force(TODAY - datetime.timedelta(days=1))) == [right]


def test_new_right_for_another_relative_leaves_the_first_in_force(world, head, right):
    set_visit_right(world.child, world.sibling, VisitRight.Mode.FREE, start_date=TODAY, by=head)
    right.refresh_from_db()
    assert right.end_date is None


def test_new_right_starts_after_the_one_it_replaces(world, head, right):
    with pytest.raises(ValidationError) as error:
        set_visit_right(
            world.child,
            world.mother,
            VisitRight.Mode.ACCOMPANIED,
            start_date=right.start_date,
            by=head,
        )
    assert "commence déjà le" in error.value.message_dict["start_date"][0]
    right.refresh_from_db()
    assert right.end_date is None
    assert VisitRight.objects.count() == 1


# Planning --------------------------------------------------------------------------------------


def test_no_visit_planned_while_the_right_is_suspended(world, head):
    suspended = set_visit_right(world.child, world.mother, VisitRight.Mode.SUSPENDED, by=head)
    with pytest.raises(ValidationError) as error:
        plan_visit(suspended, at(2), at(2, 16), "Maison commune", by=head)
    assert "sont suspendues" in error.value.message_dict["right"][0]
    assert not Visit.objects.exists()


def test_no_visit_planned_on_a_day_the_right_does_not_cover(world, head, right):
    set_visit_right(
        world.child,
        world.mother,
        VisitRight.Mode.ACCOMPANIED,
        start_date=TODAY + datetime.timedelta(days=10),
        by=head,
    )
    right.refresh_from_db()  # now ends in nine days
    with pytest.raises(ValidationError) as error:
        plan_visit(right, at(12), at(12, 16), "", by=head)
    assert "ne couvre que la période" in error.value.message_dict["starts_at"][0]
    future = VisitRight.objects.get(mode=VisitRight.Mode.ACCOMPANIED)
    with pytest.raises(ValidationError) as error:
        plan_visit(future, at(3), at(3, 16), "", by=head)
    assert "ne commence que le" in error.value.message_dict["starts_at"][0]
    assert not Visit.objects.exists()
    assert plan_visit(right, at(3), at(3, 16), "", by=head).status == Visit.Status.PLANNED


def test_a_visit_ends_after_it_starts(world, head, right):
    with pytest.raises(ValidationError) as error:
        plan_visit(right, at(2, 16), at(2, 14), "", by=head)
    assert "doit suivre son début" in error.value.message_dict["ends_at"][0]
    assert not Visit.objects.exists()


# Outcomes --------------------------------------------------------------------------------------


def test_cancelled_visit_says_who_cancelled(world, head, right):
    visit = plan_visit(right, at(2), at(2, 16), "", by=head)
    with pytest.raises(ValidationError) as error:
        record_visit_outcome(visit, Visit.Status.CANCELLED, "", "", by=head)
    assert "qui a annulé" in error.value.message_dict["cancelled_by"][0]
    visit.refresh_from_db()
    assert visit.status == Visit.Status.PLANNED
    # a future visit may be cancelled ahead of time
    record_visit_outcome(
        visit, Visit.Status.CANCELLED, Visit.CancelledBy.FAMILY, "Mère malade", by=head
    )
    visit.refresh_from_db()
    assert (visit.status, visit.cancelled_by, visit.observations, visit.recorded_by) == (
        "cancelled",
        "family",
        "Mère malade",
        head,
    )


def test_held_visit_cannot_be_in_the_future(world, head, right):
    visit = plan_visit(right, at(1), at(1, 16), "", by=head)
    with pytest.raises(ValidationError) as error:
        record_visit_outcome(visit, Visit.Status.HELD, "", "", by=head)
    assert "ne peut pas encore être notée comme réalisée" in error.value.message_dict["status"][0]
    past = plan_visit(right, at(-1), at(-1, 16), "", by=head)
    record_visit_outcome(past, Visit.Status.HELD, "", "Bon moment, jeux de société", by=head)
    past.refresh_from_db()
    assert past.status == Visit.Status.HELD


def test_held_visit_was_cancelled_by_nobody(world, head, right):
    visit = plan_visit(right, at(-1), at(-1, 16), "", by=head)
    with pytest.raises(ValidationError) as error:
        record_visit_outcome(visit, Visit.Status.HELD, Visit.CancelledBy.CHILD, "", by=head)
    assert "laissez ce champ vide" in error.value.message_dict["cancelled_by"][0]


def test_an_outcome_is_held_or_cancelled(world, head, right):
    visit = plan_visit(right, at(-1), at(-1, 16), "", by=head)
    with pytest.raises(ValidationError) as error:
        record_visit_outcome(visit, Visit.Status.PLANNED, "", "", by=head)
    assert "eu lieu" in error.value.message_dict["status"][0]


def test_a_second_outcome_never_overwrites_the_first(world, head, right):
    visit = plan_visit(right, at(-1), at(-1, 16), "", by=head)
    house_parent = world.users[Role.HOUSE_PARENT]
    # both opened the form while the visit was planned; the house parent saves first
    record_visit_outcome(visit, Visit.Status.HELD, "", "Léa était contente.", by=house_parent)
    with pytest.raises(ValidationError) as error:
        record_visit_outcome(visit, Visit.Status.CANCELLED, "family", "Annulée.", by=head)
    assert "déjà été enregistré" in error.value.message_dict["status"][0]
    visit.refresh_from_db()
    assert (visit.status, visit.observations) == (Visit.Status.HELD, "Léa était contente.")


# Pages -----------------------------------------------------------------------------------------


def test_house_parent_records_a_right_a_visit_and_what_happened(client, world):
    house_parent = world.users[Role.HOUSE_PARENT]
    login(client, house_parent)
    base = f"/personnes/{world.child.reference}/visites/"
    response = client.post(
        base + "droits/ajouter/",
        {
            "relative": world.mother.pk,
            "mode": "mediated",
            "third_party": "Point rencontre de l'UDAF",
            "frequency": "Un samedi sur deux",
            "start_date": (TODAY - datetime.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == base
    right = VisitRight.objects.get(child=world.child)
    response = client.post(
        base + "planifier/",
        {
            "right": right.pk,
            "starts_at": form_datetime(at(-1)),
            "ends_at": form_datetime(at(-1, 16)),
            "place": "Maison commune",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get(right=right)
    assert visit.starts_at == at(-1) and visit.recorded_by == house_parent
    response = client.post(
        f"/visites/{visit.pk}/compte-rendu/",
        {"status": "held", "cancelled_by": "", "observations": "Léa a montré ses dessins."},
    )
    assert response.status_code == 302 and response["Location"] == base
    page = client.get(base).content.decode()
    assert "Réalisée" in page and "Léa a montré ses dessins." in page
    assert "Point rencontre de l&#x27;UDAF" in page and "Sandrine Martin" in page
    # every write is in the change history, attributed to the house parent
    for model in (VisitRight, Visit):
        assert LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), actor=house_parent
        ).exists()


def test_family_aide_sees_visits_but_does_not_record_them(client, world, case_files):
    login(client, world.users[Role.FAMILY_AIDE])
    response = client.get(f"/personnes/{world.child.reference}/visites/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Point rencontre de l&#x27;UDAF" in page and "Maison commune" in page
    assert "Prévoir une visite" not in page and "Compte rendu" not in page
    assert client.get(f"/personnes/{world.child.reference}/visites/planifier/").status_code == 403
    response = client.post(f"/visites/{world.visit.pk}/compte-rendu/", {"status": "cancelled"})
    assert response.status_code == 403
    assert Visit.objects.get(pk=world.visit.pk).status == Visit.Status.PLANNED


def test_mediated_right_without_third_party_is_refused_at_the_field(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.post(
        f"/personnes/{world.child.reference}/visites/droits/ajouter/",
        {"relative": world.mother.pk, "mode": "mediated", "start_date": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert "en présence d'un tiers" in response.context["form"].errors["third_party"][0]
    assert 'id="id_third_party_error"' in response.content.decode()
    assert not VisitRight.objects.exists()


def test_right_form_offers_only_the_childs_relatives(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.get(f"/personnes/{world.child.reference}/visites/droits/ajouter/")
    offered = set(response.context["form"].fields["relative"].queryset)
    assert offered == {world.mother, world.sibling}
    response = client.post(
        f"/personnes/{world.child.reference}/visites/droits/ajouter/",
        {"relative": world.former_child.pk, "mode": "free", "start_date": TODAY.isoformat()},
    )
    assert "relative" in response.context["form"].errors
    assert not VisitRight.objects.exists()


def test_planning_under_a_suspended_right_is_refused_at_the_field(client, world, head):
    suspended = set_visit_right(world.child, world.mother, VisitRight.Mode.SUSPENDED, by=head)
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.post(
        f"/personnes/{world.child.reference}/visites/planifier/",
        {
            "right": suspended.pk,
            "starts_at": form_datetime(at(2)),
            "ends_at": form_datetime(at(2, 16)),
        },
    )
    assert response.status_code == 200
    assert "sont suspendues" in response.context["form"].errors["right"][0]
    assert not Visit.objects.exists()


def test_cancellation_without_who_is_refused_at_the_field(client, world, case_files):
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.post(
        f"/visites/{world.visit.pk}/compte-rendu/", {"status": "cancelled", "observations": "?"}
    )
    assert response.status_code == 200
    assert "qui a annulé" in response.context["form"].errors["cancelled_by"][0]
    visit = Visit.objects.get(pk=world.visit.pk)
    assert (visit.status, visit.observations) == ("planned", "")


def test_outcome_page_is_a_read_of_the_childs_file(client, world, case_files):
    user = world.users[Role.HOUSE_PARENT]
    login(client, user)
    assert client.get(f"/visites/{world.visit.pk}/compte-rendu/").status_code == 200
    # the child's file is read (the relative named beside it is a list display)
    event = AccessEvent.objects.get(user=user, action=AccessEvent.Action.VIEW)
    assert (event.person, event.what) == (world.child, "placements.visit_outcome")
    assert client.get(f"/visites/{world.other_visit.pk}/compte-rendu/").status_code == 404


def test_person_page_lists_visit_rights_and_next_visits(client, world, case_files):
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.get(f"/personnes/{world.child.reference}/")
    page = response.content.decode()
    assert "Liens familiaux : visites" in page
    assert [r.relative for r in response.context["visit_rights"]] == [world.mother]
    assert "Médiatisé (en présence d&#x27;un tiers)" in page
    assert "Point rencontre de l&#x27;UDAF" in page and "Un samedi sur deux" in page
    assert [v.pk for v in response.context["upcoming_visits"]] == [world.visit.pk]
    assert f"/visites/{world.visit.pk}/compte-rendu/" in page
    assert f"/personnes/{world.child.reference}/visites/" in page


def test_the_person_page_takes_each_right_s_relation_from_the_family_links_it_read(
    client, world, case_files
):
    login(client, world.users[Role.HOUSE_PARENT])
    on_file = client.get(f"/personnes/{world.child.reference}/").context["visit_rights"]
    # the visits page reads the relation with each right (a subquery): the same answer
    on_visits = client.get(f"/personnes/{world.child.reference}/visites/").context["rights"]
    assert [(r.relative, r.relation, r.relation_label) for r in on_file] == [
        (world.mother, FamilyLink.Kind.MOTHER, "Mère")
    ]
    assert [(r.relative, r.relation) for r in on_visits] == [(world.mother, "mother")]


def test_a_right_without_a_family_link_has_no_relation(world, case_files):
    user = world.users[Role.HOUSE_PARENT]
    read = person_visit_summary(user, world.child)["visit_rights"]
    given = person_visit_summary(user, world.child, relations={})["visit_rights"]
    assert [r.relation for r in read] == [FamilyLink.Kind.MOTHER]
    assert [(r.relation, r.relation_label) for r in given] == [(None, "")]


def test_relatives_out_of_scope_are_not_named(client, world, case_files):
    """Under a break-the-glass, the national director sees the opened file only."""
    director = world.users[Role.NATIONAL_DIRECTOR]
    BreakGlass.objects.create(
        user=director,
        person=world.child,
        reason="Signalement grave transmis par le département",
        expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    login(client, director)
    page = client.get(f"/personnes/{world.child.reference}/visites/").content.decode()
    assert "Sandrine" not in page
    assert "Proche hors de votre périmètre d'accès" in page
    event = AccessEvent.objects.get(user=director, what="placements.visits")
    assert event.reason.startswith("Signalement grave")


# The village's calendar ------------------------------------------------------------------------


def test_calendar_shows_four_weeks_of_planned_visits_by_day(client, world, head, right):
    soon = plan_visit(right, at(2), at(2, 16), "Maison commune", by=head)
    later = plan_visit(right, at(2, 17), at(2, 18), "", by=head)
    last = plan_visit(right, at(27, 10), at(27, 12), "", by=head)
    plan_visit(right, at(28), at(28, 16), "", by=head)  # beyond four weeks
    cancelled = plan_visit(right, at(5), at(5, 16), "", by=head)
    record_visit_outcome(cancelled, "cancelled", "ase", "", by=head)
    outsider_right = set_visit_right(
        world.outsider, world.outsider_sibling, VisitRight.Mode.FREE, by=head
    )
    plan_visit(outsider_right, at(3), at(3, 16), "", by=head)  # another village

    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.get(f"/villages/{world.village.pk}/visites/")
    days = response.context["days"]
    assert [d["day"] for d in days] == [
        TODAY + datetime.timedelta(days=2),
        TODAY + datetime.timedelta(days=27),
    ]
    assert [v.pk for v in days[0]["visits"]] == [soon.pk, later.pk]
    assert [v.pk for v in days[1]["visits"]] == [last.pk]
    page = response.content.decode()
    assert "Léa Martin" in page and "Sandrine Martin" in page and "Maison commune" in page
    assert "Zoé" not in page


def test_calendar_names_only_children_the_user_may_see(client, world, head, right):
    plan_visit(right, at(2), at(2, 16), "", by=head)
    # a girl of the other house, whom Léa's house parent does not follow
    neighbour = PersonFactory(first_names="Maëlle", last_name="Garnier")
    StayFactory(child=neighbour, unit=world.second_house)
    father = PersonFactory(first_names="Didier", last_name="Garnier")
    link_relatives(neighbour, father, FamilyLink.Kind.FATHER)
    neighbour_right = set_visit_right(neighbour, father, VisitRight.Mode.ACCOMPANIED, by=head)
    plan_visit(neighbour_right, at(3), at(3, 16), "Salle des familles", by=head)

    house_parent = world.users[Role.HOUSE_PARENT]
    login(client, house_parent)
    response = client.get(f"/villages/{world.village.pk}/visites/")
    page = response.content.decode()
    assert response.context["count"] == 2
    assert "Léa Martin" in page and "Sandrine Martin" in page
    assert "Maëlle" not in page and "Didier" not in page
    assert "Enfant hors de votre périmètre" in page
    # the place of an unnamed child's visit is free text that could identify them: hidden
    assert "Accompagné" in page and "Salle des familles" not in page
    # the names shown are recorded as a list display, and only those
    shown = set(
        AccessEvent.objects.filter(
            user=house_parent, what="placements.village_visits", action="list"
        ).values_list("person_id", flat=True)
    )
    assert shown == {world.child.pk, world.mother.pk}


def test_village_board_links_to_the_calendar(client, world):
    login(client, world.users[Role.FAMILY_AIDE])
    page = client.get(f"/villages/{world.village.pk}/").content.decode()
    assert f"/villages/{world.village.pk}/visites/" in page


# Query counts, pinned exactly (the same on SQLite and PostgreSQL), with 1 and with 6 visits.


def add_visits(world, head, n):
    """n planned visits for Léa over the next weeks, each with a different relative."""
    relatives = [world.mother] + [
        PersonFactory(last_name="Martin", first_names=f"Proche{i}") for i in range(n - 1)
    ]
    for i, relative in enumerate(relatives):
        if relative != world.mother:
            link_relatives(world.child, relative, FamilyLink.Kind.OTHER_RELATIVE)
        right = set_visit_right(
            world.child,
            relative,
            VisitRight.Mode.MEDIATED,
            third_party="Point rencontre",
            start_date=TODAY - datetime.timedelta(days=30),
            by=head,
        )
        visit = plan_visit(right, at(1 + i), at(1 + i, 16), "Maison commune", by=head)
        if i % 2:  # some history too
            past = plan_visit(right, at(-1 - i), at(-1 - i, 16), "", by=head)
            record_visit_outcome(past, "held", "", "Observations", by=head)
            record_visit_outcome(visit, "cancelled", "family", "", by=head)


VISIT_PAGES = {
    "visits": (lambda w: f"/personnes/{w.child.reference}/visites/", 8),
    "calendar": (lambda w: f"/villages/{w.village.pk}/visites/", 8),
    "outcome": (lambda w: f"/visites/{Visit.objects.earliest('pk').pk}/compte-rendu/", 6),
    # the rights twice: to know whether there is any, and for the form's choices
    "plan": (lambda w: f"/personnes/{w.child.reference}/visites/planifier/", 8),
}


@pytest.mark.parametrize("page", sorted(VISIT_PAGES))
@pytest.mark.parametrize("visits", [1, 6])
def test_visit_page_query_count_is_pinned(
    client, world, head, django_assert_num_queries, page, visits
):
    add_visits(world, head, visits)
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    url, budget = VISIT_PAGES[page]
    url = url(world)
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


def test_calendar_cells_are_what_the_template_filters_gave(client, world, head, right):
    """The calendar's cells are computed once per page (queries.visits.calendar_days): the
    same text as the template's filters and tags gave per visit."""
    from django.template import Context, Template
    from django.urls import reverse
    from django.utils.html import escape

    plan_visit(right, at(2, 9), at(2, 11), "Maison commune", by=head)
    plan_visit(right, at(2, 17), at(2, 18), "", by=head)
    mediated = set_visit_right(
        world.child,
        world.mother,
        VisitRight.Mode.MEDIATED,
        third_party="Point rencontre",
        start_date=TODAY + datetime.timedelta(days=3),
        by=head,
    )
    plan_visit(mediated, at(6, 10), at(6, 12), "", by=head)
    neighbour = PersonFactory(first_names="Maëlle", last_name="Garnier")
    StayFactory(child=neighbour, unit=world.second_house)
    father = PersonFactory(first_names="Didier", last_name="Garnier")
    link_relatives(neighbour, father, FamilyLink.Kind.FATHER)
    other = set_visit_right(neighbour, father, VisitRight.Mode.ACCOMPANIED, by=head)
    plan_visit(other, at(6, 15), at(6, 16), "Salle des familles", by=head)

    login(client, world.users[Role.HOUSE_PARENT])
    days = client.get(f"/villages/{world.village.pk}/visites/").context["days"]
    assert [len(d["visits"]) for d in days] == [2, 2]
    day = Template('{{ day|date:"l j F Y"|capfirst }}|{{ day|date:"l j F" }}')
    cells = Template(
        '{{ v.starts_at|time:"H:i" }}–{{ v.ends_at|time:"H:i" }}|'
        "{% if v.child_named %}{% url 'placements:visits' v.right.child.reference %}{% endif %}|"
        "{% if v.child_named %}{{ v.right.child.full_name }}{% endif %}|"
        "{% if v.relative_named %}{{ v.right.relative.full_name }}{% endif %}|"
        "{{ v.right.get_mode_display }}|"
        "{% if v.right.third_party and v.child_named %}{{ v.right.third_party }}{% endif %}|"
        '{% if v.child_named %}{{ v.place|default:"—" }}{% else %}—{% endif %}'
    )
    named = 0
    for group in days:
        assert day.render(Context({"day": group["day"]})) == (
            f"{group['heading']}|{group['caption_day']}"
        )
        for v in group["visits"]:
            visit = Visit.objects.select_related("right__child", "right__relative").get(pk=v.pk)
            visit.child_named, visit.relative_named = v.child_named, v.relative_named
            href = v.child_href if v.child_named else ""
            text = v.child_text if v.child_named else ""
            # the template escapes the computed texts as it escaped the fields
            assert cells.render(Context({"v": visit})) == "|".join(
                escape(cell)
                for cell in [
                    v.hours_text,
                    href,
                    text,
                    v.relative_text,
                    v.mode_text,
                    v.third_party_text,
                    v.place_text,
                ]
            )
            if v.child_named:
                named += 1
                assert v.child_href == reverse("placements:visits", args=[world.child.reference])
    assert named == 3
