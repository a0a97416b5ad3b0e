from django.urls import path

from ancrage.placements.views import admissions, measures, moves, stays, visits

app_name = "placements"
urlpatterns = [
    path("villages/<int:pk>/", stays.village_board, name="village_board"),
    path("villages/<int:pk>/admissions/", admissions.waiting_list, name="waiting_list"),
    path(
        "villages/<int:pk>/admissions/nouvelle/",
        admissions.admission_create,
        name="admission_create",
    ),
    path("admissions/<int:pk>/", admissions.admission_detail, name="admission"),
    path("admissions/<int:pk>/accepter/", admissions.admission_accept, name="admission_accept"),
    path("admissions/<int:pk>/refuser/", admissions.admission_decline, name="admission_decline"),
    path(
        "personnes/<str:reference>/mesures/nouvelle/",
        measures.measure_create,
        name="measure_create",
    ),
    path("personnes/<str:reference>/changer-de-maison/", moves.move, name="move"),
    path("personnes/<str:reference>/sortie/", moves.exit_, name="exit"),
    path("informations-juge/<int:pk>/fait/", moves.judge_informed, name="judge_informed"),
    path("personnes/<str:reference>/visites/", visits.person_visits, name="visits"),
    path(
        "personnes/<str:reference>/visites/droits/ajouter/",
        visits.visit_right_add,
        name="visit_right_add",
    ),
    path("personnes/<str:reference>/visites/planifier/", visits.visit_plan, name="visit_plan"),
    path("visites/<int:pk>/compte-rendu/", visits.visit_outcome, name="visit_outcome"),
    path("villages/<int:pk>/visites/", visits.village_visits, name="village_visits"),
    path("mesures/<int:pk>/pieces/ajouter/", measures.document_add, name="document_add"),
    path("pieces/<int:pk>/", measures.document_download, name="document"),
]
