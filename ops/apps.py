from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations, not domain: backup and restore, test data at k times the plan, and the
    benchmark. No models; its commands act on the other apps' tables."""

    name = "ops"
    verbose_name = "運用"
