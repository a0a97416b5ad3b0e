"""Accounts in the admin site. The technical administrator creates accounts and proposes
memberships; a membership of a role that reaches personal data is only proposed here, and a
director of the place confirms it in the product (`accounts/services.py`). The names of an
account tied to a person followed (a young person's) are never shown here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.accounts import services
from ancrage.accounts.models import Membership, User
from ancrage.kernel.admin_site import AdministrationAdmin


class MembershipInline(admin.StackedInline):
    # Stacked, not tabular: each field has its own label (a table's cells have none, which
    # screen readers and axe-core refuse); plain selects, not the autocomplete widget, whose
    # combobox has no accessible name.
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["role", "unit", "establishment", "organisation", "start_date", "end_date", "status"]
    readonly_fields = ["status"]

    def has_add_permission(self, request, obj=None):
        return True

    def has_change_permission(self, request, obj=None):
        return True

    # A membership is revoked by its end date, never deleted: its history stays.
    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(User)
class UserAdmin(AdministrationAdmin, DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "staff_name", "staff_email", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role"]
    # The technical administrator manages accounts, not permissions flags or personal files.
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name", "email"]}),
        (_("État"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    # A young person's account: their name and e-mail are their file's, not the admin's.
    person_fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("État"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(description=_("nom"))
    def staff_name(self, user):
        return "" if user.person_id else user.get_full_name()

    @admin.display(description=_("courriel"))
    def staff_email(self, user):
        return "" if user.person_id else user.email

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.person_id:
            return self.person_fieldsets
        return super().get_fieldsets(request, obj)

    def get_search_results(self, request, queryset, search_term):
        # A name or e-mail never finds a young person's account (only its user name does).
        results, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            results = results.filter(Q(person__isnull=True) | Q(username__icontains=search_term))
        return results, duplicates

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # Every membership written here goes through the services: proposed (or granted at once
        # for a role that reaches no personal data), and each event recorded.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed():
                continue
            membership = inline_form.save(commit=False)
            if membership.pk is None:
                services.propose_membership(membership, request.user)
                formset.new_objects.append(membership)
            else:
                changed = set(inline_form.changed_data)
                services.change_membership(membership, request.user, changed)
                formset.changed_objects.append((membership, sorted(changed)))
        return None
