from django.contrib.auth import views as auth_views
from django.urls import path

from people import views
from people.two_factor import views as two_factor

app_name = "people"

urlpatterns = [
    path("people/", views.people_list, name="list"),
    path("people/invite/", views.person_invite, name="invite"),
    path("people/seats/", views.seat_list, name="seats"),
    path("people/seats/new/", views.seat_edit, name="seat_create"),
    path("people/seats/<int:pk>/", views.seat_edit, name="seat_edit"),
    path("people/acting-chair/new/", views.acting_chair_create, name="acting_chair_create"),
    path("people/<int:pk>/role/", views.person_role, name="role"),
    path("people/<int:pk>/handover/", views.person_handover, name="handover"),
    path("people/<int:pk>/send-link/", views.person_send_link, name="send_link"),
    path("people/<int:pk>/active/", views.person_set_active, name="set_active"),
    path("people/<int:pk>/two-factor/reset/", two_factor.two_factor_reset, name="two_factor_reset"),
    path("two-factor/", two_factor.two_factor, name="two_factor"),
    path("two-factor/setup/", two_factor.two_factor_enrol, name="two_factor_enrol"),
    path("welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
