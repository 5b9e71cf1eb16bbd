from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import include, path
from django.views.generic import TemplateView

from evaluation.views import cycles as evaluation_cycles
from people.forms import LoginForm

admin.site.site_header = "市民活動促進基本計画 進捗管理 管理画面"
admin.site.site_title = "進捗管理 管理画面"

urlpatterns = [
    path("", evaluation_cycles.home, name="home"),
    # Not one transaction: on SQLite a POST's transaction takes the one write lock when it
    # begins, and a login would hold it while the password is hashed (0.3–1 s of CPU), so a
    # meeting's logins queued one behind another until some timed out. Its few writes
    # (session, last login, axes' records) each take the lock only while they write.
    path(
        "login/",
        transaction.non_atomic_requests(
            auth_views.LoginView.as_view(authentication_form=LoginForm)
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("people.urls")),
    path("", include("policies.urls")),
    path("", include("evaluation.urls")),
    path("", include("reminders.urls")),
    path("", include("publication.urls")),
    path("", include("ops.urls")),
    path("admin/", admin.site.urls),
]

# The benchmark's floor: the same middleware and base template, no plan data.
urlpatterns += [
    path("floor/", TemplateView.as_view(template_name="floor.html"), name="floor"),
]

handler400 = "plan.errors.bad_request"
handler403 = "plan.errors.permission_denied"
handler404 = "plan.errors.page_not_found"
handler500 = "plan.errors.server_error"
