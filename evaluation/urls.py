from django.urls import path  # noqa: F401  (routes are added below as pages are built)

app_name = "evaluation"

urlpatterns: list = []

from evaluation import views_dashboard, views_indicators  # noqa: E402

urlpatterns += [
    path("dashboard/<slug:plan>/", views_dashboard.dashboard_trends, name="dashboard_trends"),
    path("dashboard/<slug:plan>/<int:year>/", views_dashboard.dashboard_year, name="dashboard"),
    path("indicators/<slug:plan>/", views_indicators.indicator_list, name="indicators"),
    path("indicators/<slug:plan>/new/", views_indicators.indicator_edit, name="indicator_create"),
    path(
        "indicators/<slug:plan>/<int:pk>/edit/",
        views_indicators.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "indicators/<slug:plan>/<int:pk>/<int:year>/",
        views_indicators.indicator_value_edit,
        name="indicator_value_edit",
    ),
]
