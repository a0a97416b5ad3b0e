"""Names sort in French order, accents and case folded, by the database itself (PostgreSQL's
ICU collation, the same collation registered on SQLite): the one way, `kernel.text.by_name`."""

import pytest

from ancrage.kernel.text import by_name, french_compare
from ancrage.organisation.models import Unit
from tests.organisation.factories import HouseFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_names_sort_in_french_order_accents_folded():
    village = VillageFactory()
    for name in [
        "Maison Les Saules",
        "Maison Les Érables",
        "maison les cèdres",
        "Maison Les Frênes",
    ]:
        HouseFactory(establishment=village, name=name)
    names = list(
        Unit.objects.filter(establishment=village)
        .order_by(*by_name("name"))
        .values_list("name", flat=True)
    )
    assert names == [
        "maison les cèdres",
        "Maison Les Érables",
        "Maison Les Frênes",
        "Maison Les Saules",
    ]


def test_the_sqlite_collation_folds_accents_then_keeps_an_order():
    assert french_compare("Érables", "Saules") < 0
    assert french_compare("Saules", "Érables") > 0
    assert french_compare("Eric", "Éric") != 0  # never equal: a stable order
    assert french_compare(None, "A") < 0
