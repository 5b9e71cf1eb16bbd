from django.urls import path

from publication import views

app_name = "publication"

urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("opendata/", views.opendata_index, name="opendata"),
    path("opendata/columns/", views.opendata_columns, name="opendata_columns"),
    path(
        "opendata/<slug:plan>/<int:year>/<slug:dataset>.csv",
        views.opendata_file,
        {"fmt": "csv"},
        name="opendata_csv",
    ),
    path(
        "opendata/<slug:plan>/<int:year>/<slug:dataset>.json",
        views.opendata_file,
        {"fmt": "json"},
        name="opendata_json",
    ),
    path("cycles/<slug:plan>/<int:year>/publication.zip", views.bundle, name="bundle"),
    path("cycles/<slug:plan>/<int:year>/editions/", views.editions, name="editions"),
    path("cycles/<slug:plan>/<int:year>/correction/", views.correction, name="correction"),
    path(
        "cycles/<slug:plan>/<int:year>/editions/<int:edition>/<str:name>",
        views.edition_file,
        name="edition_file",
    ),
]
