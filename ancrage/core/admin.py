from django.contrib import admin

from ancrage.core.admin_site import ScopedPersonalDataAdmin
from ancrage.core.models import AccessEvent, BreakGlass


@admin.register(AccessEvent)
class AccessEventAdmin(ScopedPersonalDataAdmin):
    list_display = ["at", "user", "action", "what"]
    list_select_related = ["user"]
    readonly_fields = ["user", "person", "action", "what", "reason", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BreakGlass)
class BreakGlassAdmin(AccessEventAdmin):
    list_display = ["granted_at", "user", "expires_at"]
    readonly_fields = ["user", "person", "reason", "granted_at", "expires_at"]
