from django.urls import path

from ancrage.safeguarding import views

app_name = "safeguarding"
urlpatterns = [
    path("villages/<int:pk>/signalements/", views.village_incidents, name="village_incidents"),
    path("villages/<int:pk>/signalements/nouveau/", views.report, name="report"),
    path("villages/<int:pk>/signalements/brouillon/", views.draft, name="draft"),
    path(
        "villages/<int:pk>/signalements/indicateurs/",
        views.village_indicators,
        name="village_indicators",
    ),
    path(
        "signalements/indicateurs/", views.organisation_indicators, name="organisation_indicators"
    ),
    path("signalements/<int:pk>/", views.incident, name="incident"),
    path("signalements/<int:pk>/qualifier/", views.qualify, name="qualify"),
    path("signalements/<int:pk>/traiter/", views.start, name="start"),
    path("signalements/<int:pk>/actions/ajouter/", views.action_add, name="action_add"),
    path("signalements/<int:pk>/actions/faite/", views.action_done, name="action_done"),
    path("signalements/<int:pk>/clore/", views.close, name="close"),
    path("signalements/<int:pk>/rouvrir/", views.reopen, name="reopen"),
    path("signalements/<int:pk>/declaration/", views.declaration, name="declaration"),
    path("signalements/<int:pk>/declaration.pdf", views.declaration_pdf, name="declaration_pdf"),
    path(
        "signalements/<int:pk>/declaration/rediger/",
        views.declaration_prepare,
        name="declaration_prepare",
    ),
    path(
        "signalements/<int:pk>/declaration/alerte/",
        views.declaration_alert,
        name="declaration_alert",
    ),
    path(
        "signalements/<int:pk>/declaration/confirmation/",
        views.declaration_confirm,
        name="declaration_confirm",
    ),
    path(
        "signalements/<int:pk>/declaration/information/",
        views.declaration_inform,
        name="declaration_inform",
    ),
    path(
        "signalements/<int:pk>/transmissions/nouvelle/",
        views.transmission_add,
        name="transmission_add",
    ),
    path(
        "signalements/transmissions/<int:pk>/suite/",
        views.transmission_follow_up,
        name="transmission_follow_up",
    ),
]
