from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "関係者"

    def ready(self) -> None:
        # Connects the mail that announces every change of role.
        # ... and gives a new plan its people (``people.plan_membership``).
        from people import (
            announce,  # noqa: F401
            plan_membership,  # noqa: F401
        )
