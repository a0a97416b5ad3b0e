import factory

from ancrage.organisation.models import Establishment, Organisation, Unit


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = "Villages d'enfants Ancrage"


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    organisation = factory.SubFactory(OrganisationFactory)
    kind = Establishment.Kind.VILLAGE
    name = factory.Sequence(lambda n: f"Village d'enfants n°{n}")
    commune = "Carquefou"
    postcode = "44470"
    departement = "44"


class HouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    establishment = factory.SubFactory(VillageFactory)
    kind = Unit.Kind.HOUSE
    name = factory.Sequence(lambda n: f"Maison {n}")


class O2RServiceFactory(VillageFactory):
    kind = Establishment.Kind.O2R_SERVICE
    name = factory.Sequence(lambda n: f"Service O2R n°{n}")


class O2RTeamFactory(HouseFactory):
    establishment = factory.SubFactory(O2RServiceFactory)
    kind = Unit.Kind.O2R_TEAM
    name = factory.Sequence(lambda n: f"Équipe {n}")


class FamilyServiceFactory(VillageFactory):
    kind = Establishment.Kind.FAMILY_STRENGTHENING
    name = factory.Sequence(lambda n: f"Service de renforcement familial n°{n}")


class FamilyTeamFactory(HouseFactory):
    establishment = factory.SubFactory(FamilyServiceFactory)
    kind = Unit.Kind.TEAM
    name = factory.Sequence(lambda n: f"Équipe familles {n}")
