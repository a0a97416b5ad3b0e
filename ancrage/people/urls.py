from django.urls import path

from ancrage.people import views

app_name = "people"
urlpatterns = [
    path("fratries/<int:pk>/", views.sibling_group_edit, name="sibling_group_edit"),
    path("<str:reference>/modifier/", views.person_edit, name="edit"),
    path("<str:reference>/consultations/", views.person_access_log, name="access_log"),
    path("<str:reference>/liens/ajouter/", views.family_link_add, name="family_link_add"),
]
