"""The names users pick from (organisations, villages and services, houses and teams, EFOP
territories, consortia) come in French alphabetical order by default, accents and case folded:
"Les Érables" before "Les Saules", on SQLite (the collation registered on each connection) as on
PostgreSQL (ICU)."""

import pytest

from ancrage.organisation.models import (
    Consortium,
    EfopTerritory,
    Establishment,
    Organisation,
    Unit,
)
from tests.organisation.factories import HouseFactory, OrganisationFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_houses_come_in_french_order_accents_folded():
    village = VillageFactory(name="Village des Tests")
    for name in ("Les Saules", "les Cèdres", "Les Érables", "Les Tilleuls"):
        HouseFactory(establishment=village, name=name)
    names = list(Unit.objects.filter(establishment=village).values_list("name", flat=True))
    # a byte order would put "les Cèdres" (lower case) and "Les Érables" (É) after "Les Tilleuls"
    assert names == ["les Cèdres", "Les Érables", "Les Saules", "Les Tilleuls"]


def test_houses_of_several_villages_come_by_village_then_house_in_french_order():
    second = VillageFactory(name="Village de Zélie")
    first = VillageFactory(name="Village d'Écully")
    HouseFactory(establishment=second, name="Alouettes")
    HouseFactory(establishment=first, name="Saules")
    HouseFactory(establishment=first, name="Érables")
    rows = list(
        Unit.objects.filter(establishment__in=[first, second]).values_list(
            "establishment__name", "name"
        )
    )
    assert rows == [
        ("Village d'Écully", "Érables"),
        ("Village d'Écully", "Saules"),
        ("Village de Zélie", "Alouettes"),
    ]


def test_villages_organisations_territories_and_consortia_in_french_order():
    organisation = OrganisationFactory(name="Élan Solidaire")
    OrganisationFactory(name="Saint-Nazaire Insertion")
    for name in ("Village des Saules", "Village des Érables"):
        VillageFactory(name=name, organisation=organisation)
    villages = list(
        Establishment.objects.filter(name__startswith="Village des ").values_list("name", flat=True)
    )
    assert villages == ["Village des Érables", "Village des Saules"]
    names = [
        o.name
        for o in Organisation.objects.filter(name__in=["Élan Solidaire", "Saint-Nazaire Insertion"])
    ]
    assert names == ["Élan Solidaire", "Saint-Nazaire Insertion"]
    EfopTerritory.objects.create(name="Saumurois", departement="49")
    EfopTerritory.objects.create(name="Échirolles", departement="38")
    assert list(EfopTerritory.objects.values_list("name", flat=True))[:2] == [
        "Échirolles",
        "Saumurois",
    ]
    Consortium.objects.create(name="Sud Loire", lead=organisation)
    Consortium.objects.create(name="Élan 44", lead=organisation)
    assert list(Consortium.objects.values_list("name", flat=True)) == ["Élan 44", "Sud Loire"]
