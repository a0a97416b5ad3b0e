"""`{% url_if_allowed %}`: a page offers a link or a button only when the permission table lets
the user through its view (no button that answers 403)."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from ancrage.kernel.access import Role
from tests.conftest import login

pytestmark = pytest.mark.django_db


def render(user, source):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load access %}" + source).render(Context({"request": request}))


def test_the_tag_gives_the_url_only_to_whom_the_table_allows(world):
    source = "{% url_if_allowed 'placements:admission_create' pk as url %}[{{ url }}]"
    source = source.replace("pk", str(world.village.pk))
    expected = f"[/villages/{world.village.pk}/admissions/nouvelle/]"
    assert render(world.users[Role.HEAD_OF_SERVICE], source) == expected
    assert render(world.users[Role.CLINICIAN], source) == "[]"
    from django.contrib.auth.models import AnonymousUser

    assert render(AnonymousUser(), source) == "[]"


def test_the_psychologist_is_not_offered_a_new_admission(client, world):
    url = f"/villages/{world.village.pk}/admissions/"
    create = f"/villages/{world.village.pk}/admissions/nouvelle/"
    login(client, world.users[Role.CLINICIAN])
    page = client.get(url).content.decode()
    assert "Liste d'attente" in page and create not in page
    assert client.get(create).status_code == 403
    login(client, world.users[Role.HEAD_OF_SERVICE])
    assert create in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("role", "offered", "not_offered"),
    [
        (Role.TECH_ADMIN, ["/admin/"], ["/personnes/", "/acces-exceptionnel/"]),
        (Role.NATIONAL_DIRECTOR, ["/acces-exceptionnel/"], ["/admin/", "/personnes/"]),
        (Role.FUNDER, ["/o2r/rapport/"], ['/o2r/"', "/admin/", "/mon-agenda/"]),
        (Role.O2R_LEAD, ['/o2r/"', "/personnes/"], ["/o2r/rapport/", "/admin/"]),
        (Role.HOUSE_PARENT, ["/mon-agenda/", "/personnes/"], ["/admin/", "/o2r/"]),
    ],
)
def test_the_navigation_offers_what_the_table_allows(client, world, role, offered, not_offered):
    login(client, world.users[role])
    page = client.get("/").content.decode()
    nav = page[page.index('aria-label="Navigation principale"') : page.index("</nav>")]
    for path in offered:
        assert f'href="{path}' in nav, (role, path)
    for path in not_offered:
        assert f'href="{path}' not in nav, (role, path)
