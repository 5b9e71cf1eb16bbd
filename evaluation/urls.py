from django.urls import path

from evaluation import sheet_views, views, views_dashboard, views_indicators

app_name = "evaluation"

urlpatterns = [
    path("todo/", views.todo, name="todo"),
    path("cycles/<slug:plan>/", views.cycle_list, name="cycles"),
    path("cycles/<slug:plan>/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<slug:plan>/<int:year>/", views.cycle_detail, name="cycle"),
    path("cycles/<slug:plan>/<int:year>/edit/", views.cycle_edit, name="cycle_edit"),
    path("cycles/<slug:plan>/<int:year>/move/", views.cycle_move, name="cycle_move"),
    path(
        "cycles/<slug:plan>/<int:year>/measures/<str:number>/",
        views.measure_year,
        name="measure_year",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/measures/<str:number>/self/<slug:body>/",
        views.self_evaluation_edit,
        name="self_evaluation",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/measures/<str:number>/member/",
        views.member_evaluation_edit,
        name="member_evaluation",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/measures/<str:number>/committee/",
        views.committee_evaluation_edit,
        name="committee_evaluation",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/measures/<str:number>/committee/confirm/",
        views.committee_evaluation_confirm,
        name="committee_confirm",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/projects/<slug:code>/report/",
        views.report_edit,
        name="report",
    ),
    path("projects/new/<slug:plan>/", views.project_create, name="project_create"),
    path("projects/<slug:code>/", views.project_detail, name="project"),
    path("projects/<slug:code>/edit/", views.project_edit, name="project_edit"),
    # 評価表: print view, downloads and import.
    path("cycles/<slug:plan>/<int:year>/sheet/", sheet_views.sheet_print, name="sheet_print"),
    path("cycles/<slug:plan>/<int:year>/sheet.xlsx", sheet_views.sheet_xlsx, name="sheet_xlsx"),
    path("cycles/<slug:plan>/<int:year>/sheet.csv", sheet_views.sheet_csv, name="sheet_csv"),
    path(
        "cycles/<slug:plan>/<int:year>/sheet/import/",
        sheet_views.sheet_import,
        name="sheet_import",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/sheet/import/confirm/",
        sheet_views.sheet_import_confirm,
        name="sheet_import_confirm",
    ),
    # Dashboard and 参考指標.
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
