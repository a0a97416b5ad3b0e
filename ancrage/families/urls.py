from django.urls import path

from ancrage.families import views

app_name = "families"
urlpatterns = [
    path("", views.families, name="list"),
    path("orienter/", views.refer, name="refer"),
    path("<int:pk>/", views.case, name="case"),
    path("<int:pk>/decision/", views.decide, name="decide"),
]
