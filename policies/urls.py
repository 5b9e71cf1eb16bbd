from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("plans/<slug:plan>/", views.plan_tree, name="tree"),
    path("plans/<slug:plan>/measures/<str:number>/", views.measure_detail, name="measure"),
]
