from django.contrib import admin
from django.urls import include, path

# A database outage answers the French 503 page, any other error the French 500 page.
handler500 = "ancrage.web.views.server_error"

urlpatterns = [
    path("", include("ancrage.web.urls")),
    path("compte/", include("ancrage.accounts.urls")),
    path("personnes/", include("ancrage.people.urls")),
    path("", include("ancrage.placements.urls")),
    path("", include("ancrage.safeguarding.urls")),
    path("", include("ancrage.care.urls")),
    path("o2r/", include("ancrage.insertion.urls")),
    path("comptabilite/", include("ancrage.accounting.urls")),
    path("", include("ancrage.participation.urls")),
    path("personnel/", include("ancrage.staff.urls")),
    path("familles/", include("ancrage.families.urls")),
    path("protection-des-donnees/", include("ancrage.privacy.urls")),
    path("admin/", admin.site.urls),
]
