from django.http import HttpRequest

from policies.models import Plan


def plans(request: HttpRequest) -> dict:
    """All plans, for the plan switcher in the navigation bar (one small query, lazily)."""
    return {"all_plans": Plan.objects.only("code", "short_name", "name", "first_year")}
