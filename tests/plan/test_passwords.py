import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_password_of_eleven_characters_is_refused_as_too_short():
    with pytest.raises(ValidationError) as excinfo:
        validate_password("kq8#mZ2!vR4")
    assert [e.code for e in excinfo.value.error_list] == ["password_too_short"]
    assert "12" in excinfo.value.messages[0]


def test_a_password_of_twelve_characters_is_accepted():
    assert validate_password("kq8#mZ2!vR4p") is None


def test_a_long_numeric_password_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_password("402918375610")
    assert [e.code for e in excinfo.value.error_list] == ["password_entirely_numeric"]


def test_a_long_common_password_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_password("1qaz2wsx3edc")
    assert [e.code for e in excinfo.value.error_list] == ["password_too_common"]


def test_a_password_like_the_username_is_refused():
    user = UserFactory.build(username="musashino-tanaka")
    with pytest.raises(ValidationError) as excinfo:
        validate_password("musashino-tanaka1", user=user)
    assert [e.code for e in excinfo.value.error_list] == ["password_too_similar"]
