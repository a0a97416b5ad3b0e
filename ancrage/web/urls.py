from django.urls import path

from ancrage.web import jobs, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("personnes/", views.person_search, name="person_search"),
    path("personnes/<str:reference>/", views.person_detail, name="person"),
    path("acces-exceptionnel/", views.break_glass, name="break_glass"),
    path("sante/", views.health, name="health"),
    path("sante/pret/", views.health_ready, name="health_ready"),
    path("taches/<uuid:pk>/", jobs.job_page, name="job"),
    path("taches/<uuid:pk>/fichier/", jobs.job_file, name="job_file"),
    path("taches/<uuid:pk>/relancer/", jobs.job_relaunch, name="job_relaunch"),
]
