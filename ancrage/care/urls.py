from django.urls import path  # noqa: F401 (patterns are added by each part of the app)

from ancrage.care.views import agenda, autonomy, journal

app_name = "care"
urlpatterns: list = []

# Daily journal, appointments and calendars, personal ICS feed, autonomy 16-21.
urlpatterns += [
    path("maisons/<int:pk>/journal/", journal.house_journal, name="house_journal"),
    path("personnes/<str:reference>/journal/", journal.child_journal, name="child_journal"),
    path("journal/<int:pk>/corriger/", journal.entry_edit, name="entry_edit"),
    path("journal/<int:pk>/annoter/", journal.entry_annotate, name="entry_annotate"),
    path("maisons/<int:pk>/agenda/", agenda.house_calendar, name="house_calendar"),
    path("personnes/<str:reference>/agenda/", agenda.child_calendar, name="child_calendar"),
    path(
        "personnes/<str:reference>/agenda/nouveau/",
        agenda.appointment_create,
        name="appointment_create",
    ),
    path("rendez-vous/<int:pk>/modifier/", agenda.appointment_edit, name="appointment_edit"),
    path("rendez-vous/<int:pk>/annuler/", agenda.appointment_cancel, name="appointment_cancel"),
    path("mon-agenda/", agenda.my_calendar, name="my_calendar"),
    path("mon-agenda/lien/", agenda.feed_regenerate, name="feed_regenerate"),
    path("mon-agenda/revoquer/", agenda.feed_revoke, name="feed_revoke"),
    path("agenda/<str:token>.ics", agenda.ics_feed, name="ics_feed"),
    path("personnes/<str:reference>/autonomie/", autonomy.project, name="autonomy"),
    path(
        "personnes/<str:reference>/autonomie/modifier/",
        autonomy.project_edit,
        name="autonomy_edit",
    ),
    path(
        "personnes/<str:reference>/autonomie/accompagnement/",
        autonomy.support_add,
        name="autonomy_support",
    ),
]
