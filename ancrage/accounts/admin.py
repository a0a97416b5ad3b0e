from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from ancrage.accounts.models import Membership, User
from ancrage.kernel.admin_site import AdministrationAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["role", "unit", "establishment", "organisation", "start_date", "end_date"]
    autocomplete_fields = ["unit", "establishment", "organisation"]

    def has_add_permission(self, request, obj=None):
        return True

    def has_change_permission(self, request, obj=None):
        return True

    def has_delete_permission(self, request, obj=None):
        return True

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(User)
class UserAdmin(AdministrationAdmin, DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role"]
    # The technical administrator manages accounts, not permissions flags or personal files.
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name", "email"]}),
        (_("État"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
