from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from people.access import participant_of, people_access


def participant(request: HttpRequest) -> dict[str, Any]:
    """The logged-in person's role, read at most once per request (shared with the views),
    and whether the menu offers the people page (asked only where the menu shows it)."""
    return {
        "participant": SimpleLazyObject(lambda: participant_of(request.user)),
        "people_page": SimpleLazyObject(lambda: people_access(request.user)),
    }
