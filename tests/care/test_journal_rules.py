"""The daily journal's rules: who reads which level (through the permission table), who writes
where, the 24-hour correction window (23 h 59 allowed, 24 h 01 refused, with a fixed clock) and
annotations that only append."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ancrage.care.models.journal import JournalAnnotation, JournalEntry, JournalLevel
from ancrage.care.services import journal as services
from ancrage.kernel.access import Role
from ancrage.kernel.models import BreakGlass
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.care.factories_daily import JournalEntryFactory

pytestmark = pytest.mark.django_db
L = JournalLevel
NOON = timezone.make_aware(datetime.datetime(2026, 11, 20, 12, 0))


def visible(user):
    return set(JournalEntry.objects.visible_to(user).values_list("pk", flat=True))


@pytest.fixture
def entries(world):
    """One entry per level about Léa, written by the house parent (house team, safeguarding)
    and the psychologist (clinical), plus a house entry and an entry of the other village."""
    parent, clinician = world.users[Role.HOUSE_PARENT], world.users[Role.CLINICIAN]
    return {
        "team": services.write_entry(
            house=world.house,
            child=world.child,
            level=L.HOUSE_TEAM,
            text="Bonne journée",
            by=parent,
        ),
        "house": services.write_entry(
            house=world.house, level=L.HOUSE_TEAM, text="Chaudière réparée", by=parent
        ),
        "clinical": services.write_entry(
            house=world.house, child=world.child, level=L.CLINICAL, text="Entretien", by=clinician
        ),
        "safeguarding": services.write_entry(
            house=world.house,
            child=world.child,
            level=L.SAFEGUARDING,
            text="Propos inquiétants rapportés",
            by=parent,
        ),
        "other": JournalEntryFactory(house=world.other_house, child=world.outsider),
    }


def test_house_staff_read_house_team_entries_of_their_house_and_their_own_notes(world, entries):
    parent = world.users[Role.HOUSE_PARENT]
    assert visible(parent) == {
        entries["team"].pk,
        entries["house"].pk,
        entries["safeguarding"].pk,  # the author keeps reading what they wrote
    }


def test_the_family_aide_never_sees_clinical_or_others_safeguarding_entries(world, entries):
    aide = world.users[Role.FAMILY_AIDE]
    assert visible(aide) == {entries["team"].pk, entries["house"].pk}


def test_clinicians_read_clinical_entries_but_not_safeguarding_ones(world, entries):
    assert visible(world.users[Role.CLINICIAN]) == {
        entries["team"].pk,
        entries["house"].pk,
        entries["clinical"].pk,
    }


@pytest.mark.parametrize("role", [Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR])
def test_head_of_service_and_director_read_every_level_of_their_village(world, entries, role):
    assert visible(world.users[role]) == {
        entries[k].pk for k in ("team", "house", "clinical", "safeguarding")
    }


@pytest.mark.parametrize(
    "role",
    [Role.YOUTH, Role.O2R_COUNSELLOR, Role.O2R_LEAD, Role.FINANCE, Role.FUNDER, Role.TECH_ADMIN],
)
def test_youth_o2r_finance_funder_and_tech_admin_see_no_entry(world, entries, role):
    assert visible(world.users[role]) == set()


def test_the_national_director_reads_a_childs_entries_only_under_break_the_glass(world, entries):
    director = world.users[Role.NATIONAL_DIRECTOR]
    assert visible(director) == set()
    BreakGlass.objects.create(
        user=director,
        person=world.child,
        reason="Signalement grave transmis par le département",
        expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    # Léa's entries at every level; never the house's own entries.
    assert visible(director) == {entries[k].pk for k in ("team", "clinical", "safeguarding")}


def test_entries_about_a_child_who_left_drop_out_of_the_house_staffs_view(world):
    entry = JournalEntryFactory(house=world.house, child=world.former_child)
    assert entry.pk not in visible(world.users[Role.HOUSE_PARENT])
    # the village team keeps the child's history
    assert entry.pk in visible(world.users[Role.HEAD_OF_SERVICE])


def test_house_staff_write_only_in_their_own_house(world):
    with pytest.raises(ValidationError) as refused:
        services.write_entry(
            house=world.second_house,
            level=L.HOUSE_TEAM,
            text="Observation",
            by=world.users[Role.HOUSE_PARENT],
        )
    assert "level" in refused.value.message_dict
    assert not JournalEntry.objects.exists()


def test_the_family_aide_cannot_write_a_clinical_entry(world):
    with pytest.raises(ValidationError) as refused:
        services.write_entry(
            house=world.house, level=L.CLINICAL, text="x", by=world.users[Role.FAMILY_AIDE]
        )
    assert "level" in refused.value.message_dict


def test_an_entry_about_a_child_must_name_a_child_living_in_the_house(world):
    with pytest.raises(ValidationError) as refused:
        services.write_entry(
            house=world.house,
            child=world.sibling,  # lives in the second house
            level=L.HOUSE_TEAM,
            text="Observation",
            by=world.users[Role.HEAD_OF_SERVICE],
        )
    assert refused.value.message_dict["child"] == ["Cet enfant ne vit pas dans cette maison."]


def test_an_empty_or_too_long_entry_is_refused_at_the_text(world):
    parent = world.users[Role.HOUSE_PARENT]
    for text in ("   ", "x" * 2001):
        with pytest.raises(ValidationError) as refused:
            services.write_entry(house=world.house, level=L.HOUSE_TEAM, text=text, by=parent)
        assert "text" in refused.value.message_dict


def _written_at_noon(world):
    return services.write_entry(
        house=world.house,
        child=world.child,
        level=L.HOUSE_TEAM,
        text="Fièvre le soir",
        by=world.users[Role.HOUSE_PARENT],
        now=NOON,
    )


def test_the_author_corrects_an_entry_at_23h59(world):
    entry = _written_at_noon(world)
    later = NOON + datetime.timedelta(hours=23, minutes=59)
    services.edit_entry(
        entry, text="Fièvre à 38,5 le soir", by=world.users[Role.HOUSE_PARENT], now=later
    )
    entry.refresh_from_db()
    assert entry.text == "Fièvre à 38,5 le soir"
    assert entry.edited_at == later


def test_an_entry_can_no_longer_be_corrected_at_24h01(world):
    entry = _written_at_noon(world)
    with pytest.raises(ValidationError) as refused:
        services.edit_entry(
            entry,
            text="Réécriture",
            by=world.users[Role.HOUSE_PARENT],
            now=NOON + datetime.timedelta(hours=24, minutes=1),
        )
    assert "annotation" in refused.value.message_dict["text"][0]
    entry.refresh_from_db()
    assert entry.text == "Fièvre le soir"
    assert entry.edited_at is None


def test_the_correction_window_follows_the_module_clock(world, monkeypatch):
    entry = _written_at_noon(world)
    monkeypatch.setattr(services, "clock", lambda: NOON + datetime.timedelta(hours=24, seconds=1))
    assert not services.editable(entry, world.users[Role.HOUSE_PARENT])
    monkeypatch.setattr(services, "clock", lambda: NOON + datetime.timedelta(hours=24))
    assert services.editable(entry, world.users[Role.HOUSE_PARENT])


def test_only_the_author_corrects_an_entry(world):
    entry = _written_at_noon(world)
    with pytest.raises(ValidationError):
        services.edit_entry(
            entry,
            text="Autre",
            by=world.users[Role.FAMILY_AIDE],
            now=NOON + datetime.timedelta(minutes=5),
        )


def test_annotations_append_with_their_author_and_time(world):
    entry = _written_at_noon(world)
    aide, head = world.users[Role.FAMILY_AIDE], world.users[Role.HEAD_OF_SERVICE]
    two_days = NOON + datetime.timedelta(days=2)
    services.annotate_entry(entry, text="Médecin vu le lendemain", by=aide, now=two_days)
    services.annotate_entry(
        entry, text="Vu en réunion", by=head, now=two_days + datetime.timedelta(hours=1)
    )
    notes = list(entry.annotations.all())
    assert [(n.author, n.text) for n in notes] == [
        (aide, "Médecin vu le lendemain"),
        (head, "Vu en réunion"),
    ]
    assert notes[0].written_at == two_days
    entry.refresh_from_db()
    assert entry.text == "Fièvre le soir"  # the entry itself is unchanged


def test_someone_outside_the_house_cannot_annotate(world):
    entry = _written_at_noon(world)
    outsider_parent = UserFactory(username="parent.lac")
    MembershipFactory(
        user=outsider_parent,
        role=Role.HOUSE_PARENT,
        unit=world.other_house,
        start_date=datetime.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.annotate_entry(entry, text="x", by=outsider_parent)
    assert not JournalAnnotation.objects.exists()
