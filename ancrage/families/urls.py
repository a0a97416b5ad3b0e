from django.urls import path

from ancrage.families import views

app_name = "families"
urlpatterns = [
    path("", views.families, name="list"),
    path("orienter/", views.refer, name="refer"),
    path("suivi/", views.caseload, name="caseload"),
    path("indicateurs/", views.family_indicators, name="indicators"),
    path("<int:pk>/", views.case, name="case"),
    path("<int:pk>/decision/", views.decide, name="decide"),
    path("<int:pk>/fin/", views.end, name="end"),
    path("<int:pk>/preoccupation/", views.concern, name="concern"),
    path("<int:pk>/suivi-6-mois/", views.follow_up, name="follow_up"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/plan/objectifs/ajouter/", views.goal_add, name="goal_add"),
    path("<int:pk>/plan/valider/", views.plan_validate, name="plan_validate"),
    path("<int:pk>/plan/revision/", views.plan_review, name="plan_review"),
    path("plan/objectifs/<int:pk>/actions/ajouter/", views.action_add, name="action_add"),
    path("plan/objectifs/<int:pk>/avancement/", views.goal_progress, name="goal_progress"),
    path("<int:pk>/visites/planifier/", views.visit_plan, name="visit_plan"),
    path("visites/<int:pk>/compte-rendu/", views.visit_report, name="visit_report"),
]
