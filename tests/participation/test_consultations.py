"""Consultations: created by the staff, answered once and anonymously from the youth space,
results masked by kernel.disclosure (small counts never shown), the establishment's answer
published to the young people and the results presented to the council."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from ancrage.kernel.disclosure import MASK
from ancrage.participation import consultation as services
from ancrage.participation import council
from ancrage.participation.models import (
    Consultation,
    ConsultationParticipant,
    ConsultationTally,
)
from tests.conftest import login
from tests.people.factories import PersonFactory, StayFactory

TODAY = datetime.date.today()
QUESTIONS = "Les repas sont bons ? | Oui | Un peu | Non\nPlus de sorties ? | Oui | Non"


@pytest.fixture
def director(world):
    return world.users[Role.ESTABLISHMENT_DIRECTOR]


@pytest.fixture
def youth(client, world):
    world.child.birth_date = calendar.add_years(TODAY, -16)
    world.child.save(update_fields=["birth_date"])
    login(client, world.users[Role.YOUTH])
    return world.users[Role.YOUTH]


def consult(world, director, **kwargs):
    data = {
        "title": "La vie au village",
        "introduction": "Dis-nous ce que tu penses.",
        "from_age": 12,
        "opens_on": TODAY,
        "closes_on": calendar.add_days(TODAY, 7),
        "questions": QUESTIONS,
        **kwargs,
    }
    return services.create_consultation(world.village, director, **data)


def test_director_creates_a_consultation(client, world, director):
    login(client, director)
    url = f"/villages/{world.village.pk}/consultations/nouvelle/"
    data = {
        "title": "Les repas",
        "introduction": "",
        "from_age": 12,
        "opens_on": TODAY.isoformat(),
        "closes_on": calendar.add_days(TODAY, 7).isoformat(),
        "questions": "Une seule réponse ? | Oui",
    }
    refused = client.post(url, data)
    assert refused.status_code == 422 and Consultation.objects.count() == 0
    assert "de 2 à 6 réponses" in refused.content.decode()
    inverted = client.post(url, {**data, "questions": QUESTIONS, "closes_on": "2020-01-01"})
    assert inverted.status_code == 422 and Consultation.objects.count() == 0
    assert client.post(url, {**data, "questions": QUESTIONS}).status_code == 302
    consultation = Consultation.objects.get()
    assert [q.choice_list for q in consultation.questions.all()] == [
        ["Oui", "Un peu", "Non"],
        ["Oui", "Non"],
    ]
    page = client.get(f"/villages/{world.village.pk}/consultations/").content.decode()
    assert "Les repas" in page


def test_consultation_anonymous_and_masked(client, world, director, youth):
    """Her answers are counters (no person, no time on them); she answers once; the results
    mask counts of 1 to 4 (and whatever would give them away)."""
    consultation = consult(world, director)
    first, second = consultation.questions.all()
    page = client.get("/mon-espace/conseil/").content.decode()
    assert "La vie au village" in page
    url = f"/mon-espace/consultations/{consultation.pk}/"
    assert "anonymes" in client.get(url).content.decode()
    assert client.post(url, {f"q{first.pk}": "0"}).status_code == 422  # a question unanswered
    assert not ConsultationParticipant.objects.exists()
    response = client.post(url, {f"q{first.pk}": "0", f"q{second.pk}": "1"})
    assert response.status_code == 302
    assert client.post(url, {f"q{first.pk}": "2", f"q{second.pk}": "1"}).status_code == 422
    assert ConsultationParticipant.objects.filter(person=world.child).count() == 1
    tally_fields = {f.name for f in ConsultationTally._meta.get_fields()}
    assert tally_fields == {"id", "question", "choice", "count"}  # nobody, no time
    assert ConsultationTally.objects.get(question=first, choice=0).count == 1
    # one answer: every count masked, the number who answered too
    answered, results = services.results(consultation)
    assert answered == MASK
    assert all(n in (MASK, 0) for r in results for _label, n in r.rows)
    # eight more young people: the counts of 5 and more are shown, the small ones masked
    ConsultationTally.objects.filter(question=first, choice=0).update(count=6)
    ConsultationTally.objects.filter(question=first, choice=2).update(count=3)
    ConsultationTally.objects.filter(question=second, choice=0).update(count=9)
    ConsultationTally.objects.filter(question=second, choice=1).update(count=0)
    for i in range(8):
        other = PersonFactory(first_names=f"Jeune{i}")
        ConsultationParticipant.objects.create(consultation=consultation, person=other)
    answered, results = services.results(consultation)
    assert answered == 9
    # "Non" (3) is masked, and "Oui" with it: else 9 - 6 - 0 would give it away
    assert dict(results[0].rows) == {"Oui": MASK, "Un peu": 0, "Non": MASK}
    assert dict(results[1].rows) == {"Oui": 9, "Non": 0}


def test_only_those_consulted_answer(client, world, director, youth):
    consultation = consult(world, director, from_age=17)
    first, second = consultation.questions.all()
    with pytest.raises(ValidationError):
        services.answer(consultation, world.child, choices={first.pk: 0, second.pk: 0})
    closed = consult(
        world,
        director,
        title="Fermée",
        opens_on=calendar.add_days(TODAY, 1),
        closes_on=calendar.add_days(TODAY, 3),
    )
    with pytest.raises(ValidationError):
        services.answer(closed, world.child, choices={})
    # another village's consultation is not hers
    other = Consultation.objects.create(
        establishment=world.other_village,
        title="Ailleurs",
        opens_on=TODAY,
        closes_on=calendar.add_days(TODAY, 2),
        created_by=director,
    )
    assert client.get(f"/mon-espace/consultations/{other.pk}/").status_code == 404
    StayFactory(child=PersonFactory(), unit=world.house)
    assert services.consulted_count(consultation, TODAY) == 0  # nobody of 17 and more


def test_answer_published_and_results_presented_to_the_council(client, world, director, youth):
    consultation = consult(world, director)
    first, second = consultation.questions.all()
    services.answer(consultation, world.child, choices={first.pk: 0, second.pk: 0})
    with pytest.raises(ValidationError):  # still open
        services.publish_answer(consultation, director, answer="Merci", presented_at=None)
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_on=calendar.add_days(TODAY, -20), closes_on=calendar.add_days(TODAY, -10)
    )
    consultation.refresh_from_db()
    meeting = council.record_meeting(
        world.village, director, held_on=calendar.add_days(TODAY, -5), agenda="Consultation"
    )
    login(client, director)
    response = client.post(
        f"/consultations/{consultation.pk}/reponse/",
        {"answer": "Un repas à thème chaque mois.", "presented_at": meeting.pk},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.presented_at == meeting and consultation.answered_on == TODAY
    page = client.get(f"/consultations/{consultation.pk}/").content.decode()
    assert "Un repas à thème" in page and "secret statistique" in page
    login(client, world.users[Role.YOUTH])
    listing = client.get("/mon-espace/conseil/").content.decode()
    assert f"/mon-espace/consultations/{consultation.pk}/" in listing
    results = client.get(f"/mon-espace/consultations/{consultation.pk}/").content.decode()
    assert "Un repas à thème" in results and "présentés au conseil" in results


def test_consultation_pages_query_count(
    client, world, director, youth, django_assert_max_num_queries
):
    consultation = consult(world, director)
    with django_assert_max_num_queries(16):
        assert client.get("/mon-espace/conseil/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(f"/mon-espace/consultations/{consultation.pk}/").status_code == 200
    login(client, director)
    with django_assert_max_num_queries(16):
        assert client.get(f"/consultations/{consultation.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/villages/{world.village.pk}/consultations/").status_code == 200


def test_a_one_time_code_answers_once_without_an_account(client, world, director):
    consultation = consult(world, director)
    first, second = consultation.questions.all()
    login(client, director)
    response = client.post(f"/consultations/{consultation.pk}/codes/", {"count": 2})
    codes = response.context["codes"]
    assert len(codes) == 2 and codes[0] in response.content.decode()
    assert codes[0] not in str(list(consultation.codes.values_list("code_hash", flat=True)))
    client.logout()
    wrong = client.post("/consultation/", {"code": "AAAA-AAAA"})
    assert wrong.status_code == 422 and "ne marche pas" in wrong.content.decode()
    asked = client.post("/consultation/", {"code": codes[0].lower()})
    assert asked.status_code == 200 and "Les repas sont bons ?" in asked.content.decode()
    answers = {"code": codes[0], "answering": "1", f"q{first.pk}": "1", f"q{second.pk}": "0"}
    assert client.post("/consultation/", answers).status_code == 302
    again = client.post("/consultation/", answers)
    assert again.status_code == 422  # the code served once
    assert ConsultationTally.objects.get(question=first, choice=1).count == 1
    assert services.answered_count(consultation) == 1
    assert not ConsultationParticipant.objects.exists()  # nobody is named
