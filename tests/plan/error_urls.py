"""The site's URLs plus one view that fails, to show the 500 page (tests only)."""

from django.urls import path

from plan.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def fail(request):
    raise RuntimeError("テストのための失敗")


urlpatterns = [*urlpatterns, path("fail/", fail)]
