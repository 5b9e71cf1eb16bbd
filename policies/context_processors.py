from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from policies.models import Plan


def plans(request: HttpRequest) -> dict:
    """All plans, for the navigation and the plan switcher: one small query, only if used."""
    return {
        "all_plans": SimpleLazyObject(
            lambda: list(Plan.objects.only("code", "short_name", "name", "first_year"))
        )
    }
