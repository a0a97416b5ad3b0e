from django.urls import path

from ancrage.care.views import agenda, autonomy, deadlines, journal, ppe, reports

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

urlpatterns += [
    path("personnes/<str:reference>/ppe/", ppe.ppe_detail, name="ppe"),
    path("personnes/<str:reference>/ppe/brouillon/", ppe.ppe_edit, name="ppe_edit"),
    path(
        "personnes/<str:reference>/ppe/objectifs/ajouter/", ppe.objective_add, name="objective_add"
    ),
    path("personnes/<str:reference>/ppe/actions/etat/", ppe.action_status, name="action_status"),
    path("personnes/<str:reference>/ppe/valider/", ppe.ppe_validate, name="ppe_validate"),
    path("personnes/<str:reference>/ppe/revision/", ppe.review_add, name="review_add"),
    path("personnes/<str:reference>/ppe/revision/prevoir/", ppe.review_plan, name="review_plan"),
    path(
        "personnes/<str:reference>/ppe/objectifs/<int:pk>/modifier/",
        ppe.objective_edit,
        name="objective_edit",
    ),
    path(
        "personnes/<str:reference>/ppe/objectifs/<int:pk>/supprimer/",
        ppe.objective_delete,
        name="objective_delete",
    ),
    path(
        "personnes/<str:reference>/ppe/objectifs/<int:pk>/actions/ajouter/",
        ppe.action_add,
        name="action_add",
    ),
    path(
        "personnes/<str:reference>/ppe/actions/<int:pk>/modifier/",
        ppe.action_edit,
        name="action_edit",
    ),
    path(
        "personnes/<str:reference>/ppe/actions/<int:pk>/supprimer/",
        ppe.action_delete,
        name="action_delete",
    ),
]

urlpatterns += [
    path(
        "personnes/<str:reference>/rapports/nouveau/", reports.report_create, name="report_create"
    ),
    path("rapports-de-situation/<int:pk>/", reports.report_detail, name="report"),
    path("rapports-de-situation/<int:pk>/pdf/", reports.report_pdf, name="report_pdf"),
    path("rapports-de-situation/<int:pk>/envoi/", reports.report_sent, name="report_sent"),
]

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
