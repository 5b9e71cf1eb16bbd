from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from evaluation.access import participant_of


def participant(request: HttpRequest) -> dict:
    """The logged-in person's role, read at most once per request (shared with the views)."""
    return {"participant": SimpleLazyObject(lambda: participant_of(request.user))}
