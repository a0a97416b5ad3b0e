"""Personal data in the admin site: persons, sibling groups and the access log, through the same
scopes as everywhere else (the administration role sees none of it)."""

from django.contrib import admin

from ancrage.kernel.admin_site import ReadOnlyAdmin
from ancrage.kernel.models import AccessEvent, BreakGlass
from ancrage.people.models import Person, SiblingGroup


class ScopedPersonalDataAdmin(ReadOnlyAdmin):
    """Personal data in the admin goes through the same scopes as everywhere else: the
    administration role sees no personal data, so these lists stay empty for it. Read-only: these
    records carry rules (identity keys, the sibling rule, capacity...) that only their services
    hold."""

    person_path = "person"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible = Person.objects.visible_to(request.user)
        if self.person_path == "self":
            return queryset.filter(pk__in=visible.values("pk"))
        return queryset.filter(**{f"{self.person_path}__in": visible.values("pk")})


@admin.register(Person)
class PersonAdmin(ScopedPersonalDataAdmin):
    person_path = "self"
    list_display = ["reference", "last_name", "first_names", "birth_date"]
    search_fields = ["search_text", "reference"]
    readonly_fields = ["reference"]


@admin.register(SiblingGroup)
class SiblingGroupAdmin(ScopedPersonalDataAdmin):
    person_path = "members"
    list_display = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(AccessEvent)
class AccessEventAdmin(ScopedPersonalDataAdmin):
    list_display = ["at", "user", "action", "what"]
    list_select_related = ["user"]
    readonly_fields = ["user", "person", "action", "what", "reason", "at"]


@admin.register(BreakGlass)
class BreakGlassAdmin(AccessEventAdmin):
    list_display = ["granted_at", "user", "expires_at"]
    readonly_fields = ["user", "person", "reason", "granted_at", "expires_at"]
