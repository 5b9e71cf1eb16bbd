from django.urls import path, re_path

from policies import views

app_name = "policies"

urlpatterns = [
    path("plan-import/", views.plan_import, name="plan_import"),
    path("plan-import/confirm/", views.plan_import_confirm, name="plan_import_confirm"),
    re_path(
        r"^plan-import/template\.(?P<fmt>xlsx|csv)$",
        views.plan_import_template,
        name="plan_import_template",
    ),
    re_path(
        r"^plans/(?P<plan>[-a-zA-Z0-9_]+)/structure\.(?P<fmt>xlsx|csv)$",
        views.plan_export,
        name="plan_export",
    ),
    path("plans/<slug:plan>/", views.plan_tree, name="tree"),
    path("plans/<slug:plan>/measures/<str:number>/", views.measure_detail, name="measure"),
]
