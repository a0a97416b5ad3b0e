from django.contrib import admin

from ancrage.kernel.admin_site import AdministrationAdmin
from ancrage.organisation.models import Consortium, EfopTerritory, Establishment, Organisation, Unit


@admin.register(Organisation)
class OrganisationAdmin(AdministrationAdmin):
    list_display = ["name", "kind", "siren"]
    search_fields = ["name"]


@admin.register(Consortium)
class ConsortiumAdmin(AdministrationAdmin):
    list_display = ["name", "lead"]
    list_select_related = ["lead"]


@admin.register(EfopTerritory)
class EfopTerritoryAdmin(AdministrationAdmin):
    list_display = ["name", "departement"]
    list_filter = ["departement"]


class UnitInline(admin.StackedInline):
    # Stacked: each field has its own label (see accounts' MembershipInline).
    model = Unit
    extra = 0
    fields = ["name", "kind", "capacity", "active"]

    def has_add_permission(self, request, obj=None):
        return True

    def has_change_permission(self, request, obj=None):
        return True

    def has_delete_permission(self, request, obj=None):
        return True

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(Establishment)
class EstablishmentAdmin(AdministrationAdmin):
    list_display = ["name", "kind", "commune", "departement", "efop_territory", "organisation"]
    list_filter = ["kind", "departement"]
    list_select_related = ["efop_territory", "organisation"]
    search_fields = ["name", "commune"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(AdministrationAdmin):
    list_display = ["name", "kind", "capacity", "establishment", "active"]
    list_filter = ["kind", "establishment"]
    list_select_related = ["establishment"]
    search_fields = ["name"]
