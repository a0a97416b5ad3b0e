from django.urls import path  # noqa: F401 (patterns are added by each part of the app)

from ancrage.care.views import deadlines

app_name = "care"
urlpatterns: list = []

# PPE, reviews, reports, deadlines
urlpatterns += [
    path("villages/<int:pk>/echeancier/", deadlines.village_deadlines, name="village_deadlines"),
    path(
        "personnes/<str:reference>/echeancier/",
        deadlines.person_deadlines,
        name="person_deadlines",
    ),
]
