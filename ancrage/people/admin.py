from django.contrib import admin

from ancrage.core.admin_site import ScopedPersonalDataAdmin
from ancrage.people.models import Person, SiblingGroup


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
