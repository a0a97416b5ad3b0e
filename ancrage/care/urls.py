from django.urls import path  # noqa: F401 (patterns are added by each part of the app)

from ancrage.care.views import deadlines, ppe, reports

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
]

urlpatterns += [
    path(
        "personnes/<str:reference>/rapports/nouveau/", reports.report_create, name="report_create"
    ),
    path("rapports-de-situation/<int:pk>/", reports.report_detail, name="report"),
    path("rapports-de-situation/<int:pk>/pdf/", reports.report_pdf, name="report_pdf"),
    path("rapports-de-situation/<int:pk>/envoi/", reports.report_sent, name="report_sent"),
]
