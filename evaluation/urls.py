from django.urls import path  # noqa: F401  (routes are added below as pages are built)

app_name = "evaluation"

urlpatterns: list = []

# 評価表: print view, downloads and import (issue 5).
from evaluation import sheet_views  # noqa: E402

urlpatterns += [
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
]
