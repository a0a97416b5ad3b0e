from django.urls import path

from ancrage.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("acces-exceptionnel/", views.break_glass, name="break_glass"),
    path("sante/", views.health, name="health"),
]
