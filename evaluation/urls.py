from django.urls import path  # noqa: F401  (routes are added below as pages are built)

app_name = "evaluation"

urlpatterns: list = []
