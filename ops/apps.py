from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations, not domain: backup and restore, test data at k times the plan, the
    benchmark, the health check and the security log; the accessibility check's record."""

    name = "ops"
    verbose_name = "運用"

    def ready(self) -> None:
        from ops import security_events  # noqa: F401  (connects its receivers)
