from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("settings/reminders/", views.preference_edit, name="settings"),
    path("cycles/<slug:plan>/<int:year>/reminders/", views.sent_log, name="sent_log"),
]
