from django.urls import path

from ancrage.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("personnes/", views.person_search, name="person_search"),
    path("personnes/<str:reference>/", views.person_detail, name="person"),
    path("acces-exceptionnel/", views.break_glass, name="break_glass"),
    path("sante/", views.health, name="health"),
]
