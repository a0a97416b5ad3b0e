"""Person search: case-, accent- and hyphen-insensitive on every name, by birth date, ranked."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ancrage.kernel.text import search_key
from ancrage.people.models import Person
from tests.people.factories import PersonFactory


def found(text="", birth_date=None):
    return [p.full_name for p in Person.objects.search(text, birth_date)]


@pytest.fixture
def people(db):
    PersonFactory(
        first_names="Hélène", last_name="Dupont-Moreau", birth_date=datetime.date(2010, 2, 3)
    )
    PersonFactory(
        first_names="Jean-Noël", last_name="Lefèvre", birth_date=datetime.date(2012, 6, 1)
    )
    PersonFactory(first_names="Chloé", last_name="D'Aboville", birth_date=datetime.date(2014, 1, 9))
    PersonFactory(
        first_names="Marie Ève",
        last_name="Martin",
        birth_name="Œuvray",
        birth_date=datetime.date(1980, 5, 5),
    )
    PersonFactory(first_names="Moreau", last_name="Bernard", birth_date=datetime.date(2011, 3, 3))
    PersonFactory(first_names="Zoé", last_name="Moreau", birth_date=datetime.date(2013, 7, 7))
    PersonFactory(first_names="Lou", last_name="Desmoreaux", birth_date=datetime.date(2015, 8, 8))


def test_search_ignores_accents_and_case(people):
    assert found("helene") == ["Hélène Dupont-Moreau"]
    assert found("HÉLÈNE") == ["Hélène Dupont-Moreau"]
    assert found("lefevre") == ["Jean-Noël Lefèvre"]


def test_search_matches_hyphenated_names_with_or_without_the_hyphen(people):
    assert found("dupont moreau") == ["Hélène Dupont-Moreau"]
    assert found("dupont-moreau") == ["Hélène Dupont-Moreau"]
    assert found("jean noel") == ["Jean-Noël Lefèvre"]
    assert found("noel") == ["Jean-Noël Lefèvre"]


def test_search_matches_apostrophes_and_compound_first_names(people):
    assert found("d'aboville") == ["Chloé D'Aboville"]
    assert found("daboville") == []  # the apostrophe separates words; "aboville" finds it
    assert found("aboville") == ["Chloé D'Aboville"]
    assert found("marie eve") == ["Marie Ève Martin"]


def test_search_finds_birth_names_ligatures_included(people):
    assert found("oeuvray") == ["Marie Ève Martin"]
    assert found("œuvray") == ["Marie Ève Martin"]


def test_search_by_birth_date_alone_or_with_a_name(people):
    assert found(birth_date=datetime.date(2012, 6, 1)) == ["Jean-Noël Lefèvre"]
    assert found("martin", datetime.date(2012, 6, 1)) == []


def test_every_word_must_match(people):
    assert found("zoe moreau") == ["Zoé Moreau"]
    assert found("zoe lefevre") == []


def test_ranking_exact_surname_then_surname_prefix_then_first_name_then_elsewhere(people):
    assert found("moreau") == [
        "Zoé Moreau",  # surname equals the query
        "Moreau Bernard",  # first name starts with it
        "Hélène Dupont-Moreau",  # a later word of the surname
        "Lou Desmoreaux",  # inside a word
    ]


def test_one_or_two_letters_find_the_surnames_starting_with_them_in_alphabetical_order(people):
    # Not the first names (Moreau Bernard), birth names (Œuvray) or later words (Dupont-Moreau).
    assert found("m") == ["Marie Ève Martin", "Zoé Moreau"]
    assert found("MO") == ["Zoé Moreau"]
    assert found("oe") == []
    assert found("é") == []
    assert found("d") == ["Chloé D'Aboville", "Lou Desmoreaux", "Hélène Dupont-Moreau"]


def test_short_words_together_match_the_start_of_a_compound_surname(people):
    assert found("d a") == ["Chloé D'Aboville"]
    assert found("du m") == []  # "dupont moreau": the words must follow each other


def test_a_surname_of_two_letters_comes_first_among_those_it_starts(db):
    PersonFactory(first_names="Anh", last_name="Lyon")
    PersonFactory(first_names="Minh", last_name="Ly")
    PersonFactory(first_names="Bao", last_name="Ly")
    assert found("ly") == ["Bao Ly", "Minh Ly", "Anh Lyon"]


def test_a_short_fragment_with_a_birth_date_keeps_both_conditions(people):
    assert found("m", datetime.date(2013, 7, 7)) == ["Zoé Moreau"]
    assert found("m", datetime.date(2012, 6, 1)) == []


def test_from_three_letters_every_name_is_searched_anywhere(people):
    assert found("mor") == [
        "Zoé Moreau",
        "Moreau Bernard",
        "Hélène Dupont-Moreau",
        "Lou Desmoreaux",
    ]
    assert found("oeu") == ["Marie Ève Martin"]  # birth name
    # One word of three letters or more: the whole query is searched everywhere, ranked.
    assert found("zoe m") == ["Zoé Moreau"]


def test_empty_search_finds_everyone_in_name_order(people):
    assert found() == [
        "Moreau Bernard",
        "Chloé D'Aboville",
        "Lou Desmoreaux",
        "Hélène Dupont-Moreau",
        "Jean-Noël Lefèvre",
        "Marie Ève Martin",
        "Zoé Moreau",
    ]


def test_search_keys_follow_a_name_change(people):
    person = Person.objects.get(last_name="Lefèvre")
    person.last_name = "Lefèvre-Étienne"
    person.save(update_fields=["last_name"])
    assert found("etienne") == ["Jean-Noël Lefèvre-Étienne"]


name_text = st.text(
    alphabet=st.sampled_from(list("abcdeéèêëàâäîïôöùûüçœæ-' ABCÉÈÇ")), min_size=1, max_size=30
)


@given(name_text)
def test_search_key_is_idempotent_and_plain(text):
    key = search_key(text)
    assert search_key(key) == key
    assert key == key.lower()
    assert all(c in "abcdefghijklmnopqrstuvwxyz " for c in key)
    assert "  " not in key and key == key.strip()


@pytest.mark.django_db
@given(st.sampled_from(["Élodie", "Noël", "Françoise", "Anaïs", "Jérôme", "Ségolène", "Gaëlle"]))
def test_a_name_is_found_whatever_accents_and_case_are_typed(first_name):
    person = PersonFactory.build(first_names=first_name, last_name="Testé")
    person.save()
    try:
        assert person in Person.objects.search(search_key(first_name).upper())
        assert person in Person.objects.search(first_name.lower())
    finally:
        person.delete()
