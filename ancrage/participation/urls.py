from django.urls import path

from ancrage.participation import consultation_views, council_views, views

app_name = "participation"

urlpatterns = [
    path("mon-espace/", views.youth_home, name="youth_home"),
    path("mon-espace/mon-projet/", views.youth_project, name="youth_project"),
    path("mon-espace/mes-rendez-vous/", views.youth_appointments, name="youth_appointments"),
    path(
        "mon-espace/mes-rendez-vous/nouveau-lien/",
        views.youth_feed_regenerate,
        name="youth_feed_regenerate",
    ),
    path(
        "mon-espace/mes-rendez-vous/supprimer-le-lien/",
        views.youth_feed_revoke,
        name="youth_feed_revoke",
    ),
    path("mon-espace/je-parle/", views.youth_speak, name="youth_speak"),
    path("mon-espace/je-parle/message/", views.youth_message_new, name="youth_message_new"),
    path("mon-espace/je-parle/inquietude/", views.youth_concern_new, name="youth_concern_new"),
    path("messages-des-jeunes/", views.youth_messages, name="youth_messages"),
    path("villages/<int:pk>/conseil/", council_views.council, name="council"),
    path(
        "villages/<int:pk>/conseil/reunions/nouvelle/",
        council_views.meeting_new,
        name="council_meeting_new",
    ),
    path(
        "villages/<int:pk>/conseil/elections/nouvelle/",
        council_views.election_new,
        name="council_election_new",
    ),
    path(
        "villages/<int:pk>/conseil/documents/nouveau/",
        council_views.document_new,
        name="council_document_new",
    ),
    path(
        "conseil/reunions/<int:pk>/releve.pdf",
        council_views.minutes_pdf,
        name="council_minutes_pdf",
    ),
    path("conseil/documents/<int:pk>/", council_views.document, name="council_document"),
    path(
        "conseil/membres/<int:pk>/dossier/", council_views.member_file, name="council_member_file"
    ),
    path("mon-espace/conseil/", views.youth_council, name="youth_council"),
    path(
        "mon-espace/conseil/documents/<int:pk>/",
        views.youth_council_document,
        name="youth_council_document",
    ),
    path(
        "villages/<int:pk>/consultations/",
        consultation_views.consultations,
        name="consultations",
    ),
    path(
        "villages/<int:pk>/consultations/nouvelle/",
        consultation_views.consultation_new,
        name="consultation_new",
    ),
    path("consultations/<int:pk>/", consultation_views.consultation, name="consultation"),
    path("participation/indicateurs/", consultation_views.indicators, name="indicators"),
    path(
        "consultations/<int:pk>/codes/",
        consultation_views.consultation_codes,
        name="consultation_codes",
    ),
    path("consultation/", consultation_views.tablet, name="tablet"),
    path(
        "consultations/<int:pk>/reponse/",
        consultation_views.consultation_publish,
        name="consultation_publish",
    ),
    path(
        "mon-espace/consultations/<int:pk>/",
        consultation_views.youth_consultation,
        name="youth_consultation",
    ),
    path("conseil/reunions/<int:pk>/", council_views.meeting, name="council_meeting"),
    path("conseil/reunions/<int:pk>/avis/", council_views.opinion_add, name="council_opinion_add"),
    path(
        "conseil/reunions/<int:pk>/valider/",
        council_views.minutes_validate,
        name="council_minutes_validate",
    ),
    path(
        "conseil/avis/<int:pk>/repondre/",
        council_views.opinion_answer,
        name="council_opinion_answer",
    ),
]
