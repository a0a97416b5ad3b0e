from django.urls import path  # noqa: F401 (patterns are added by each part of the app)

app_name = "care"
urlpatterns: list = []
