from django.urls import path

from ancrage.accounts import views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.login, name="login"),
    path("deconnexion/", views.logout, name="logout"),
    path("double-authentification/", views.two_factor_verify, name="two_factor_verify"),
    path("double-authentification/activer/", views.two_factor_setup, name="two_factor_setup"),
    path("affectations/", views.memberships, name="memberships"),
    path("affectations/<int:pk>/confirmer/", views.membership_confirm, name="membership_confirm"),
    path("affectations/<int:pk>/refuser/", views.membership_refuse, name="membership_refuse"),
]
