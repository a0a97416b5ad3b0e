from django.contrib import admin

from ancrage.people.admin import ScopedPersonalDataAdmin
from ancrage.placements.models import Stay


@admin.register(Stay)
class StayAdmin(ScopedPersonalDataAdmin):
    person_path = "child"
    list_display = ["child", "unit", "start_date", "end_date"]
    list_select_related = ["child", "unit__establishment"]
