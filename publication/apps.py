from django.apps import AppConfig


class PublicationConfig(AppConfig):
    """What reaches citizens: open data, the static publication bundle, the accessibility
    statement."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "publication"
    verbose_name = "公開"
