"""The participation council: meetings recorded by the director, three a year flagged on the
village's échéancier when one is missing, each opinion tracked to the establishment's answer
and reported at the next meeting, minutes validated and published."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from ancrage.kernel.access import Role
from ancrage.participation import council as services
from ancrage.participation.models import Council, Meeting, Opinion
from tests.conftest import login

TODAY = datetime.date.today()


@pytest.fixture
def director(world):
    return world.users[Role.ESTABLISHMENT_DIRECTOR]


def test_three_meetings_a_year_flagged():
    """A third of the year that ended without a meeting is late; one held is done; the third
    under way is due; the thirds before the council was installed ask nothing."""
    day = datetime.date(2026, 10, 15)
    council = Council(pk=1, establishment_id=7, founded_on=datetime.date(2025, 3, 1))
    held = {1: [datetime.date(2026, 2, 10)]}
    rows = services.meeting_deadlines([council], held, day)
    assert [(r.due, r.done_on) for r in rows] == [
        (datetime.date(2026, 4, 30), datetime.date(2026, 2, 10)),
        (datetime.date(2026, 8, 31), None),  # missing: late
        (datetime.date(2026, 12, 31), None),  # under way
    ]
    late = Council(pk=2, establishment_id=8, founded_on=datetime.date(2026, 9, 1))
    assert [r.due for r in services.meeting_deadlines([late], {}, day)] == [
        datetime.date(2026, 12, 31)
    ]


def test_a_missing_meeting_shows_on_the_directors_echeancier(client, world, director):
    services.record_meeting(
        world.village,
        director,
        held_on=datetime.date(TODAY.year - 1, 6, 1),
        agenda="Installation du conseil",
    )
    login(client, director)
    page = client.get(f"/villages/{world.village.pk}/echeancier/").content.decode()
    assert "Réunion du conseil de la vie sociale" in page
    if datetime.date(TODAY.year, 4, 30) < TODAY:
        assert "en retard" in page
    # nobody else's village
    other = client.get(f"/villages/{world.other_village.pk}/echeancier/")
    assert "Réunion du conseil" not in other.content.decode()


def test_opinion_tracked_to_its_answer(client, world, director):
    first = services.record_meeting(
        world.village,
        director,
        held_on=datetime.date(TODAY.year - 1, 3, 10),
        agenda="Repas ; sorties",
    )
    login(client, director)
    response = client.post(
        f"/conseil/reunions/{first.pk}/avis/",
        {"kind": "proposal", "text": "Des frites le vendredi"},
    )
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    council_page = client.get(f"/villages/{world.village.pk}/conseil/").content.decode()
    assert "Des frites le vendredi" in council_page and "Répondre" in council_page
    response = client.post(
        f"/conseil/avis/{opinion.pk}/repondre/", {"answer": "Accordé un vendredi sur deux."}
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.answered_by == director and opinion.reported_at is None
    response = client.post(
        f"/villages/{world.village.pk}/conseil/reunions/nouvelle/",
        {"held_on": TODAY.isoformat(), "agenda": "Réponses ; règlement", "minutes": "Adopté."},
    )
    assert response.status_code == 302
    second = Meeting.objects.get(held_on=TODAY)
    opinion.refresh_from_db()
    assert opinion.reported_at == second  # reported at the next meeting
    page = client.get(f"/conseil/reunions/{second.pk}/").content.decode()
    assert "Accordé un vendredi sur deux." in page
    with pytest.raises(ValidationError):
        services.answer_opinion(opinion, director, answer="Encore")


def test_minutes_are_validated_then_published(world, director):
    meeting = services.record_meeting(
        world.village, director, held_on=TODAY, agenda="Loisirs", minutes=""
    )
    with pytest.raises(ValidationError, match="relevé"):
        services.validate_minutes(meeting, director)
    Meeting.objects.filter(pk=meeting.pk).update(minutes="Sortie au lac en juin.")
    assert services.validate_minutes(meeting, director).is_published


def test_only_the_villages_director_and_head_record_meetings(world):
    for role in (Role.HOUSE_PARENT, Role.CLINICIAN):
        with pytest.raises(ValidationError):
            services.record_meeting(
                world.village, world.users[role], held_on=TODAY, agenda="Ordre du jour"
            )
    with pytest.raises(ValidationError):
        services.record_meeting(
            world.other_village,
            world.users[Role.ESTABLISHMENT_DIRECTOR],
            held_on=TODAY,
            agenda="Ordre du jour",
        )
    assert not Meeting.objects.exists()


def test_a_meeting_without_agenda_is_refused_at_the_field(client, world, director):
    login(client, director)
    response = client.post(
        f"/villages/{world.village.pk}/conseil/reunions/nouvelle/",
        {"held_on": TODAY.isoformat(), "agenda": ""},
    )
    assert response.status_code == 422
    assert "agenda" in response.context["form"].errors
    assert not Council.objects.exists()


def test_council_pages_query_count(client, world, director, django_assert_max_num_queries):
    for month in (1, 5, 9):
        meeting = services.record_meeting(
            world.village,
            director,
            held_on=datetime.date(TODAY.year - 1, month, 3),
            agenda="Vie quotidienne",
        )
        services.add_opinion(meeting, director, kind="opinion", text=f"Avis {month}")
    login(client, director)
    with django_assert_max_num_queries(15):
        assert client.get(f"/villages/{world.village.pk}/conseil/").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(f"/conseil/reunions/{meeting.pk}/").status_code == 200


def test_a_meeting_shows_the_council_was_informed_of_a_declaration(
    client, world, director, incidents
):
    from django.utils import timezone

    from ancrage.safeguarding.models import Declaration, Incident

    Incident.objects.filter(pk=world.incident.pk).update(
        status="qualified", category="other", severity="serious"
    )
    declaration = Declaration.objects.create(
        incident=world.incident,
        discovered_at=world.incident.occurred_at,
        facts="Faits",
        measures_taken="Mesures",
        alerted_at=timezone.now(),
        alerted_by=director,
        prepared_by=director,
    )
    login(client, director)
    form = client.get(f"/villages/{world.village.pk}/conseil/reunions/nouvelle/")
    assert f"Signalement n°{world.incident.pk}" in form.content.decode()
    response = client.post(
        f"/villages/{world.village.pk}/conseil/reunions/nouvelle/",
        {
            "held_on": TODAY.isoformat(),
            "agenda": "Information sur un événement grave",
            "informed_of": [declaration.pk],
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    declaration.refresh_from_db()
    assert declaration.cvs_informed_on == TODAY and declaration.cvs_informed_by == director
    page = client.get(f"/conseil/reunions/{meeting.pk}/").content.decode()
    assert f"/signalements/{world.incident.pk}/declaration/" in page


def test_an_election_is_recorded_as_results_and_its_elected_become_members(client, world, director):
    services.record_meeting(world.village, director, held_on=TODAY, agenda="Installation")
    login(client, director)
    response = client.post(
        f"/villages/{world.village.pk}/conseil/elections/nouvelle/",
        {
            "college": "children",
            "held_on": TODAY.isoformat(),
            "seats": 2,
            "ballots": 20,
            "results": "Léa ; 9\nNoah ; 7\nInès ; 4",
            "term_years": 2,
        },
    )
    assert response.status_code == 302
    council = Council.objects.get()
    assert set(council.members.filter(elected=True).values_list("name", flat=True)) == {
        "Léa",
        "Noah",
    }
    page = client.get(f"/villages/{world.village.pk}/conseil/").content.decode()
    assert (
        "Léa" in page and "Inès" not in page.split("Membres en fonction")[1].split("Élections")[0]
    )
    assert "Salariés" in page  # a college short of its minimum is flagged


def test_an_election_with_a_tie_for_the_last_seat_is_refused_at_the_field(world, director):
    services.record_meeting(world.village, director, held_on=TODAY, agenda="Installation")
    with pytest.raises(ValidationError) as error:
        services.record_election(
            world.village,
            director,
            college="staff",
            held_on=TODAY,
            seats=1,
            ballots=10,
            results="Mme A ; 5\nM. B ; 5",
            term_years=3,
        )
    assert "results" in error.value.message_dict
    assert not Council.objects.get().members.exists()


def test_validated_minutes_are_published_to_the_families_as_a_pdf(
    client, world, director, django_assert_num_queries
):
    """Families have no account: validated minutes become a PDF to post in the village and hand
    out (agenda, conclusions, the council's opinions and the answers); minutes not yet validated
    are not published, and another village's meeting is never reached."""
    from pypdf import PdfReader

    meeting = services.record_meeting(
        world.village, director, held_on=TODAY, agenda="Loisirs", minutes="Sortie au lac en juin."
    )
    Opinion.objects.create(meeting=meeting, kind="proposal", text="Un potager")
    login(client, director)
    url = f"/conseil/reunions/{meeting.pk}/releve.pdf"
    assert client.get(url).status_code == 404  # not validated yet
    services.validate_minutes(meeting, director)
    assert f'href="{url}"' in client.get(f"/conseil/reunions/{meeting.pk}/").content.decode()
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response))).pages)
    assert "Sortie au lac en juin." in text
    assert "Un potager" in text
    assert "(réponse à venir)" in text
    foreign = Meeting.objects.create(
        council=Council.objects.create(establishment=world.foreign_village, founded_on=TODAY),
        held_on=TODAY,
        agenda="Ailleurs",
        minutes="Relevé d'ailleurs",
        minutes_validated_on=TODAY,
        recorded_by=director,
    )
    assert client.get(f"/conseil/reunions/{foreign.pk}/releve.pdf").status_code == 404
