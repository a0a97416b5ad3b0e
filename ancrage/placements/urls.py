from django.urls import path

from ancrage.placements import views

app_name = "placements"
urlpatterns = [
    path("villages/<int:pk>/", views.village_board, name="village_board"),
    path("villages/<int:pk>/admissions/", views.waiting_list, name="waiting_list"),
    path("villages/<int:pk>/admissions/nouvelle/", views.admission_create, name="admission_create"),
    path("admissions/<int:pk>/", views.admission_detail, name="admission"),
    path("admissions/<int:pk>/accepter/", views.admission_accept, name="admission_accept"),
    path("admissions/<int:pk>/refuser/", views.admission_decline, name="admission_decline"),
    path(
        "personnes/<str:reference>/mesures/nouvelle/", views.measure_create, name="measure_create"
    ),
    path("personnes/<str:reference>/changer-de-maison/", views.move, name="move"),
    path("personnes/<str:reference>/sortie/", views.exit_, name="exit"),
    path("informations-juge/<int:pk>/fait/", views.judge_informed, name="judge_informed"),
    path("personnes/<str:reference>/visites/", views.person_visits, name="visits"),
    path(
        "personnes/<str:reference>/visites/droits/ajouter/",
        views.visit_right_add,
        name="visit_right_add",
    ),
    path("personnes/<str:reference>/visites/planifier/", views.visit_plan, name="visit_plan"),
    path("visites/<int:pk>/compte-rendu/", views.visit_outcome, name="visit_outcome"),
    path("villages/<int:pk>/visites/", views.village_visits, name="village_visits"),
    path("mesures/<int:pk>/pieces/ajouter/", views.document_add, name="document_add"),
    path("pieces/<int:pk>/", views.document_download, name="document"),
]
