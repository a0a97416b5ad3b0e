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
urlpatterns += [
    path("demandes/<int:pk>/repondre/", views.request_decide, name="request_decide"),
]
urlpatterns += [
    path("personnes/<str:reference>/droit-a-l-image/", views.image_rights, name="image_rights"),
    path(
        "personnes/<str:reference>/droit-a-l-image/consentement/",
        views.consent_add,
        name="consent_add",
    ),
    path("consentements/<int:pk>/retirer/", views.consent_withdraw, name="consent_withdraw"),
    path("personnes/<str:reference>/photos/ajouter/", views.media_add, name="media_add"),
    path("photos/<int:pk>/", views.media_download, name="media_download"),
    path("registre/", views.processing_register, name="register"),
    path("registre/pdf/", views.processing_register_pdf, name="register_pdf"),
    path("aipd/", views.dpia, name="dpia"),
]
