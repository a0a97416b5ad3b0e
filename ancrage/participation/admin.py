from django.contrib import admin

from ancrage.kernel.admin_site import AdministrationAdmin
from ancrage.participation.models import YouthSpaceSetting


@admin.register(YouthSpaceSetting)
class YouthSpaceSettingAdmin(AdministrationAdmin):
    list_display = ["establishment", "youth_account_age"]
