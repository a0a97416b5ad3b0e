from django.urls import path

from ancrage.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("moi/", views.mine, name="mine"),
    path("moi/signer/", views.sign, name="sign"),
    path("code-de-conduite/", views.codes, name="codes"),
    path("code-de-conduite/publier/", views.code_publish, name="code_publish"),
    path("code-de-conduite/<int:pk>/", views.code_document, name="code_document"),
    path("etablissements/<int:pk>/", views.register, name="register"),
    path("etablissements/<int:pk>/inscrire/", views.member_add, name="member_add"),
    path("membres/<int:pk>/", views.member, name="member"),
    path("membres/<int:pk>/modifier/", views.member_change, name="member_change"),
    path("membres/<int:pk>/attestation/", views.attestation_add, name="attestation_add"),
    path("membres/<int:pk>/signature/", views.signature_add, name="signature_add"),
    path("membres/<int:pk>/formation/", views.training_add, name="training_add"),
    path("formations/", views.courses, name="courses"),
    path("formations/ajouter/", views.course_add, name="course_add"),
]
