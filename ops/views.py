from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ops.health import problems


# Outside a request transaction: a database that cannot be reached is this view's answer
# (503), not an error raised before it runs.
@transaction.non_atomic_requests
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    found = problems()
    if found:
        return JsonResponse({"status": "error", "problems": found}, status=503)
    return JsonResponse({"status": "ok"})
