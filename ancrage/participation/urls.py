from django.urls import path

from ancrage.participation import views

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
]
