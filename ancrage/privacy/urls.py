from django.urls import path

from ancrage.privacy import views

app_name = "privacy"
urlpatterns = [
    path("regles/", views.rules, name="rules"),
    path("gels/", views.holds, name="holds"),
    path("gels/nouveau/", views.hold_add, name="hold_add"),
    path("gels/<int:pk>/lever/", views.hold_lift, name="hold_lift"),
    path("passages/", views.runs, name="runs"),
    path("passages/simulation/", views.run_start, name="run_start"),
    path("passages/<int:pk>/", views.run, name="run"),
    path("passages/<int:pk>/approuver/", views.run_approve, name="run_approve"),
    path("archives/ouvrir/", views.archive_open, name="archive_open"),
    path("demandes/", views.requests_list, name="requests"),
    path("demandes/nouvelle/", views.request_add, name="request_add"),
    path("demandes/<int:pk>/", views.request_detail, name="request"),
    path("demandes/<int:pk>/prolonger/", views.request_extend, name="request_extend"),
    path("demandes/<int:pk>/examiner/", views.request_review, name="request_review"),
    path("demandes/<int:pk>/exporter/", views.request_export, name="request_export"),
]
