from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "評価"

    def ready(self) -> None:
        # Connects the receivers that invalidate the dashboard cache on every save.
        from evaluation import page_cache  # noqa: F401
