"""Declarations of serious malfunctions to the authority (CASF L331-8-1, arrêté du 28 décembre
2016): the mandated content, the PDF and e-mail body, the oral alert and its written confirmation
with the 48-hour flag, the information of the CVS and the families, access and audit."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.safeguarding import services
from ancrage.safeguarding.models import Declaration, Incident
from tests.conftest import login

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


def head(world):
    return world.users[Role.HEAD_OF_SERVICE]


def prepare(world, **kwargs):
    incident = Incident.objects.get(pk=world.incident.pk)
    values = {
        "discovered_at": incident.occurred_at + datetime.timedelta(minutes=30),
        "facts": "Une enfant de 9 ans a été bousculée violemment par un adulte extérieur.",
        "measures_taken": "Mise à l'abri, examen médical, intervenant écarté.",
        "media_impact": "Aucun",
    } | kwargs
    return services.prepare_declaration(
        incident, expected_version=incident.version, by=head(world), **values
    )


def alert(world, at=None, **kwargs):
    incident = Incident.objects.get(pk=world.incident.pk)
    return services.record_alert(
        incident,
        expected_version=incident.version,
        alerted_at=at or timezone.now() - datetime.timedelta(minutes=10),
        alerted_by=kwargs.pop("alerted_by", head(world)),
        alerted_to=kwargs.pop("alerted_to", "Astreinte ASE, M. Durand"),
        by=head(world),
        **kwargs,
    )


def confirm(world, at=None):
    incident = Incident.objects.get(pk=world.incident.pk)
    return services.record_confirmation(
        incident,
        expected_version=incident.version,
        confirmed_at=at or timezone.now(),
        by=head(world),
    )


def test_only_an_incident_qualified_as_a_serious_malfunction_is_declared(incidents):
    with pytest.raises(ValidationError, match="dysfonctionnement grave"):
        prepare(incidents)
    assert not Declaration.objects.exists()


def test_the_declaration_content_is_checked_at_its_fields(declarable):
    with pytest.raises(ValidationError) as error:
        prepare(
            declarable,
            discovered_at=declarable.incident.occurred_at - datetime.timedelta(hours=1),
            facts=" ",
            measures_taken="",
        )
    assert set(error.value.message_dict) == {"discovered_at", "facts", "measures_taken"}
    assert not Declaration.objects.exists()


def test_the_declaration_content_is_encrypted_at_rest(declarable):
    declaration = prepare(declarable, media_impact="Article dans Ouest-France")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT facts, measures_taken, media_impact FROM safeguarding_declaration"
            " WHERE id = %s",
            [declaration.pk],
        )
        row = cursor.fetchone()
    assert all(value and "bousculée" not in value and "Ouest" not in value for value in row)
    assert "bousculée" in Declaration.objects.get().facts


def test_writing_the_declaration_moves_the_version_on(declarable):
    with pytest.raises(ValidationError, match="rechargez"):
        services.prepare_declaration(
            declarable.incident,
            expected_version=declarable.incident.version - 1,
            discovered_at=timezone.now(),
            facts="x",
            measures_taken="y",
            by=head(declarable),
        )
    version = declarable.incident.version
    prepare(declarable)
    assert Incident.objects.get(pk=declarable.incident.pk).version == version + 1


@pytest.mark.parametrize(
    ("delay", "overdue"),
    [
        (datetime.timedelta(hours=47, minutes=59), False),
        # at 48 h 00 a confirmation is still on time (kernel.calendar.within_hours)
        (datetime.timedelta(hours=48), False),
        (datetime.timedelta(hours=48, minutes=1), True),
    ],
    ids=["47h59", "48h", "48h01"],
)
def test_a_written_confirmation_missing_more_than_48_hours_after_the_alert_is_flagged(
    declarable, delay, overdue
):
    prepare(declarable)
    alerted_at = timezone.now() - datetime.timedelta(hours=72)
    alert(declarable, at=alerted_at)
    clock = alerted_at + delay
    flagged = Declaration.objects.confirmation_overdue(now=clock)
    assert flagged.exists() is overdue
    assert Declaration.objects.get().confirmation_overdue(now=clock) is overdue


def test_a_confirmed_declaration_is_never_flagged(declarable):
    prepare(declarable)
    alert(declarable, at=timezone.now() - datetime.timedelta(hours=72))
    confirm(declarable)
    assert not Declaration.objects.confirmation_overdue().exists()


def test_a_declaration_not_yet_alerted_is_not_flagged(declarable):
    prepare(declarable)
    assert not Declaration.objects.confirmation_overdue(now=NOW + datetime.timedelta(days=30))


def test_the_confirmation_needs_the_alert_first_and_cannot_precede_it(declarable):
    prepare(declarable)
    with pytest.raises(ValidationError, match="alerte"):
        confirm(declarable)
    alert(declarable, at=timezone.now() - datetime.timedelta(minutes=5))
    with pytest.raises(ValidationError) as error:
        confirm(declarable, at=timezone.now() - datetime.timedelta(hours=1))
    assert "confirmed_at" in error.value.message_dict
    assert Declaration.objects.get().confirmed_at is None


def test_the_alert_records_when_by_whom_and_to_whom(declarable):
    prepare(declarable)
    with pytest.raises(ValidationError) as error:
        alert(
            declarable,
            at=timezone.now() + datetime.timedelta(days=1),
            alerted_to=" ",
            alerted_by=declarable.users[Role.FINANCE],
            staff=[head(declarable)],
        )
    assert set(error.value.message_dict) == {"alerted_at", "alerted_to", "alerted_by"}
    alert(declarable, alerted_by=declarable.users[Role.ESTABLISHMENT_DIRECTOR])
    declaration = Declaration.objects.get()
    assert declaration.alerted_by == declarable.users[Role.ESTABLISHMENT_DIRECTOR]
    assert declaration.alerted_to == "Astreinte ASE, M. Durand"


def test_the_cvs_and_the_families_informed_are_recorded_with_who_recorded_them(declarable):
    prepare(declarable)
    incident = Incident.objects.get(pk=declarable.incident.pk)
    with pytest.raises(ValidationError) as error:
        services.record_information(
            incident, expected_version=incident.version, by=head(declarable)
        )
    assert "cvs_informed_on" in error.value.message_dict
    today = timezone.localdate()
    services.record_information(
        incident,
        expected_version=incident.version,
        cvs_informed_on=today,
        families_informed_on=today,
        by=head(declarable),
    )
    declaration = Declaration.objects.get()
    assert (declaration.cvs_informed_on, declaration.cvs_informed_by) == (today, head(declarable))
    assert declaration.families_informed_by == head(declarable)


@pytest.mark.parametrize("role", [Role.HOUSE_PARENT, Role.NATIONAL_DIRECTOR, Role.CLINICIAN])
def test_only_those_who_qualify_in_the_village_write_declarations(declarable, role):
    incident = declarable.incident
    with pytest.raises(ValidationError, match="droit"):
        services.prepare_declaration(
            incident,
            expected_version=incident.version,
            discovered_at=timezone.now(),
            facts="x",
            measures_taken="y",
            by=declarable.users[role],
        )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_holds_the_mandated_content_and_no_childs_name(client, declarable):
    prepare(declarable, justice_habilitation=True, media_impact="Article dans Ouest-France")
    alert(declarable)
    login(client, declarable.users[Role.ESTABLISHMENT_DIRECTOR])
    response = client.get(f"/signalements/{declarable.incident.pk}/declaration.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="declaration-signalement-{declarable.incident.pk}.pdf"'
    )
    content = b"".join(response.streaming_content)
    text = pdf_text(content)
    flat = " ".join(text.split())
    for expected in [
        "Président",  # the département
        "Préfet",  # a village with a justice habilitation
        "Date et heure des faits",
        "Date et heure de la découverte",
        "bousculée violemment",
        "Nombre de victimes 1",
        "Mise à l'abri",
        "CRIP",  # the information préoccupante qualified
        "Ouest-France",
        f"signalement n° {declarable.incident.pk}",  # footer
    ]:
        assert expected in flat, expected
    pages = len(PdfReader(io.BytesIO(content)).pages)
    assert re.search(rf"Page 1 / {pages}", flat)  # page numbers
    # the running header and footer on every page (the association also in the body)
    assert flat.count(f"{declarable.organisation.name} · {declarable.village.name}") == pages
    assert (
        flat.count(f"Déclaration à l'autorité · signalement n° {declarable.incident.pk}") == pages
    )
    assert "procureur" not in flat  # no signalement was qualified
    for child in (declarable.child, declarable.sibling):
        # whole words: a staff member drawn by Faker may be called "Martine"
        for name in (child.last_name, child.first_names):
            assert not re.search(rf"\b{re.escape(name)}\b", flat), name


def test_the_pdf_download_is_audited_for_every_child_involved(client, declarable):
    prepare(declarable)
    director = declarable.users[Role.ESTABLISHMENT_DIRECTOR]
    login(client, director)
    client.get(f"/signalements/{declarable.incident.pk}/declaration.pdf")
    events = AccessEvent.objects.filter(user=director, what="safeguarding.declaration_pdf")
    assert {e.person_id for e in events} == {declarable.child.pk, declarable.sibling.pk}
    assert {e.action for e in events} == {"export"}


def test_the_email_body_names_the_follow_up_and_the_victims_count(client, declarable):
    prepare(declarable)
    login(client, head(declarable))
    response = client.get(f"/signalements/{declarable.incident.pk}/declaration/")
    body = response.context["email_body"]
    assert "Nombre de victimes : 1" in body
    assert "CRIP" in body
    assert declarable.child.last_name not in body
    assert "Président" in body and "Préfet" not in body


def test_the_declaration_page_walks_alert_confirmation_and_information(client, declarable):
    login(client, head(declarable))
    base = f"/signalements/{declarable.incident.pk}/declaration/"
    page = client.get(base)
    assert page.status_code == 200
    assert "Enregistrer la déclaration" in page.content.decode()
    version = declarable.incident.version
    response = client.post(base + "rediger/", {"version": version, "facts": ""})
    assert response.status_code == 422
    assert response.context["forms"]["prepare"].errors["facts"]
    when = timezone.localtime() - datetime.timedelta(hours=1)
    steps = [
        (
            "rediger/",
            {
                "discovered_at": when.strftime("%Y-%m-%dT%H:%M"),
                "facts": "Faits",
                "measures_taken": "Mesures",
            },
        ),
        (
            "alerte/",
            {
                "alerted_at": when.strftime("%Y-%m-%dT%H:%M"),
                "alerted_by": head(declarable).pk,
                "alerted_to": "Astreinte du département",
            },
        ),
        ("confirmation/", {"confirmed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}),
        ("information/", {"cvs_informed_on": timezone.localdate().isoformat()}),
    ]
    for path, data in steps:
        response = client.post(base + path, data | {"version": version})
        assert response.status_code == 302, response.content.decode()
        version += 1
    declaration = Declaration.objects.get()
    assert declaration.confirmed_at and declaration.cvs_informed_on
    assert "Texte du courriel" in client.get(base).content.decode()


def test_the_overdue_flag_shows_on_the_incident_and_the_village_list(client, declarable):
    prepare(declarable)
    alert(declarable, at=timezone.now() - datetime.timedelta(hours=49))
    login(client, head(declarable))
    flag = "Confirmation écrite manquante après 48 h"
    assert flag in client.get(f"/signalements/{declarable.incident.pk}/").content.decode()
    assert flag in client.get(f"/villages/{declarable.village.pk}/signalements/").content.decode()
    assert (
        flag in client.get(f"/signalements/{declarable.incident.pk}/declaration/").content.decode()
    )


def test_the_reporter_does_not_see_the_declaration(client, declarable):
    prepare(declarable)
    login(client, declarable.users[Role.HOUSE_PARENT])
    assert client.get(f"/signalements/{declarable.incident.pk}/declaration/").status_code == 403
    content = client.get(f"/signalements/{declarable.incident.pk}/").content.decode()
    assert "Déclaration à l'autorité" not in content


def test_the_national_director_reads_the_declaration_without_the_forms(client, declarable):
    prepare(declarable)
    login(client, declarable.users[Role.NATIONAL_DIRECTOR])
    response = client.get(f"/signalements/{declarable.incident.pk}/declaration/")
    assert response.status_code == 200
    assert response.context["forms"] == {}


@pytest.mark.parametrize("page", ["declaration", "pdf"])
def test_declaration_query_count_is_pinned(client, declarable, django_assert_num_queries, page):
    prepare(declarable)
    alert(declarable)
    login(client, head(declarable))
    client.get("/")
    url = f"/signalements/{declarable.incident.pk}/" + (
        "declaration/" if page == "declaration" else "declaration.pdf"
    )
    with django_assert_num_queries({"declaration": 8, "pdf": 7}[page]):
        assert client.get(url).status_code == 200


def test_the_rotation_command_reencrypts_declarations_and_drafts(declarable, settings):
    from django.core.management import call_command

    from ancrage.safeguarding.models import IncidentDraft
    from ancrage.safeguarding.services import save_draft

    prepare(declarable)
    save_draft(
        establishment=declarable.village,
        data={"narrative": "Brouillon en cours"},
        by=declarable.users[Role.HOUSE_PARENT],
    )
    fields = [Declaration._meta.get_field(n) for n in ("facts", "measures_taken", "media_impact")]
    fields.append(IncidentDraft._meta.get_field("data"))
    fields += [Incident._meta.get_field(n) for n in ("narrative", "immediate_measures")]
    fields.append(Incident._meta.get_field("adults_involved"))

    def forget_keys():
        for field in fields:
            field.__dict__.pop("keys", None)
            field.__dict__.pop("f", None)

    old = list(settings.SALT_KEY)
    new = "nouveau-sel-de-test-pour-la-rotation-2026"
    try:
        settings.SALT_KEY = [new, *old]
        forget_keys()
        call_command("reencrypt_incidents", stdout=io.StringIO())
        settings.SALT_KEY = [new]
        forget_keys()
        assert "bousculée" in Declaration.objects.get().facts
        assert "Brouillon en cours" in IncidentDraft.objects.get().data
    finally:
        settings.SALT_KEY = old
        forget_keys()
