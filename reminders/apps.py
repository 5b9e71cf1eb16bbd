from django.apps import AppConfig


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = "リマインダー"

    def ready(self) -> None:
        from evaluation.signals import sent_back
        from reminders.send_back import on_sent_back

        sent_back.connect(on_sent_back, dispatch_uid="reminders.send_back")
