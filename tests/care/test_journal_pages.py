"""The journal pages: a house's and a child's journal, quick entry without reload (htmx), errors
at the field, correction and annotation in place, keyset pages with a constant query count,
audited reads."""

import datetime

import pytest
from django.utils import timezone

from ancrage.care.models.journal import JournalEntry, JournalLevel
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from tests.care.factories_daily import JournalEntryFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def many_entries(world, n):
    parent = world.users[Role.HOUSE_PARENT]
    start = timezone.now() - datetime.timedelta(days=10)
    JournalEntry.objects.bulk_create(
        JournalEntry(
            house=world.house,
            child=world.child if i % 2 else None,
            level=JournalLevel.HOUSE_TEAM,
            text=f"Observation {i}",
            author=parent,
            written_at=start + datetime.timedelta(minutes=i),
        )
        for i in range(n)
    )


def test_the_house_parent_writes_an_entry_without_reload(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    url = f"/maisons/{world.house.pk}/journal/"
    response = client.post(
        url, {"child": world.child.pk, "level": "house_team", "text": "Léa a lu seule."}, **HTMX
    )
    assert response.status_code == 200
    entry = JournalEntry.objects.get()
    assert entry.child == world.child and entry.author == world.users[Role.HOUSE_PARENT]
    content = response.content.decode()
    assert 'hx-swap-oob="afterbegin:#entries"' in content
    assert f'id="entry-{entry.pk}"' in content
    assert 'id="journal-form"' in content and "Léa a lu seule." not in content.split("<div")[0]
    assert "<html" not in content  # a fragment, not the page


def test_a_refused_entry_shows_the_error_at_the_field_without_reload(client, world):
    login(client, world.users[Role.FAMILY_AIDE])
    response = client.post(
        f"/maisons/{world.house.pk}/journal/", {"level": "clinical", "text": ""}, **HTMX
    )
    assert response.status_code == 200  # htmx swaps 2xx answers only
    form = response.context["form"]
    assert set(form.errors) == {"level", "text"}
    assert 'id="id_text_error"' in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_without_javascript_the_form_posts_and_redirects(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    url = f"/personnes/{world.child.reference}/journal/"
    response = client.post(url, {"level": "house_team", "text": "Match de foot gagné"})
    assert response.status_code == 302 and response["Location"] == url
    assert JournalEntry.objects.get().child == world.child


def test_the_writer_only_chooses_the_levels_the_table_allows(client, world):
    login(client, world.users[Role.FAMILY_AIDE])
    page = client.get(f"/maisons/{world.house.pk}/journal/")
    levels = [value for value, _label in page.context["form"].fields["level"].choices]
    assert levels == ["house_team", "safeguarding"]


def test_house_journal_pages_by_keyset_with_a_constant_query_count(
    client, world, django_assert_num_queries
):
    many_entries(world, 35)
    login(client, world.users[Role.HOUSE_PARENT])
    url = f"/maisons/{world.house.pk}/journal/"
    with django_assert_num_queries(9):
        first = client.get(url)
    assert len(first.context["entries"]) == 30
    assert first.context["entries"][0].text == "Observation 34"
    cursor = first.context["next_cursor"]
    with django_assert_num_queries(9):
        second = client.get(url, {"avant": cursor})
    assert [e.text for e in second.context["entries"]] == [
        f"Observation {i}" for i in range(4, -1, -1)
    ]
    assert second.context["next_cursor"] is None


def test_child_journal_query_count_does_not_grow_with_entries(
    client, world, django_assert_num_queries
):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    url = f"/personnes/{world.child.reference}/journal/"
    many_entries(world, 4)
    with django_assert_num_queries(9):
        client.get(url)
    many_entries(world, 60)
    with django_assert_num_queries(9):
        client.get(url)


def test_a_bad_cursor_answers_404(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    assert client.get(f"/maisons/{world.house.pk}/journal/", {"avant": "x"}).status_code == 404


def test_journal_reads_are_recorded(client, world):
    JournalEntryFactory(house=world.house, child=world.child)
    parent = world.users[Role.HOUSE_PARENT]
    login(client, parent)
    client.get(f"/maisons/{world.house.pk}/journal/")
    client.get(f"/personnes/{world.child.reference}/journal/")
    events = AccessEvent.objects.filter(user=parent, person=world.child)
    assert set(events.values_list("what", flat=True)) == {
        "care.house_journal",
        "care.child_journal",
    }


def test_the_author_corrects_in_place_and_others_annotate(client, world):
    parent = world.users[Role.HOUSE_PARENT]
    entry = JournalEntryFactory(house=world.house, child=world.child, author=parent)
    login(client, parent)
    response = client.post(f"/journal/{entry.pk}/corriger/", {"text": "Corrigé"}, **HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<li id="entry-{entry.pk}"')
    entry.refresh_from_db()
    assert entry.text == "Corrigé" and entry.edited_at is not None
    login(client, world.users[Role.FAMILY_AIDE])
    page = client.get(f"/maisons/{world.house.pk}/journal/")
    assert f"/journal/{entry.pk}/corriger/" not in page.content.decode()  # not hers
    response = client.post(f"/journal/{entry.pk}/annoter/", {"text": "Vu"}, **HTMX)
    assert "Vu" in response.content.decode()
    assert entry.annotations.get().author == world.users[Role.FAMILY_AIDE]


def test_a_correction_after_24_hours_is_refused_at_the_field(client, world):
    parent = world.users[Role.HOUSE_PARENT]
    entry = JournalEntryFactory(
        house=world.house,
        author=parent,
        written_at=timezone.now() - datetime.timedelta(hours=24, minutes=1),
    )
    login(client, parent)
    response = client.post(f"/journal/{entry.pk}/corriger/", {"text": "Réécrit"})
    assert response.status_code == 422
    assert "annotation" in response.context["edit_form"].errors["text"][0]
