import factory
from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Sequence(lambda n: f"利用者{n}")
    password = factory.django.Password(PASSWORD)
