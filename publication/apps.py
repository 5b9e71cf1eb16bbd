from django.apps import AppConfig


class PublicationConfig(AppConfig):
    """What reaches citizens: the editions of published years, open data, the static
    publication bundle, the accessibility statement."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "publication"
    verbose_name = "公開"

    def ready(self) -> None:
        from evaluation.signals import phase_moved
        from publication.editions import on_phase_moved

        phase_moved.connect(on_phase_moved, dispatch_uid="publication.editions")
