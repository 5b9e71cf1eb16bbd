"""Text as the app stores and writes it: the one place every writer passes typed text through.

What people paste from Word or PowerPoint carries control characters (a soft line break is
U+000B); an XML file such as an .xlsx cannot hold them, so one pasted 事業名 would break the
評価表's Excel for everyone. Text is therefore cleaned when it is stored (``Plain.save`` and
``Versioned.save`` for every form and the admin, ``stored_text`` for the imports' bulk
writes), and every xlsx writer passes its cells through ``without_control_characters`` too,
so rows stored before this rule still print.
"""

import re
from typing import TYPE_CHECKING

from django.db import models

from policies.kana import full_width_katakana

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Line breaks written in other ways (CR LF, CR, the soft line break, form feed, NEL and the
# Unicode line and paragraph separators) become a newline; every other control character but
# the tab is removed.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def without_control_characters(text: str) -> str:
    """'講座\\x0b（全3回）\\x07' → '講座\\n（全3回）'."""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))


def stored_text(text: str) -> str:
    """What is stored of typed text: no control characters but tab and newline, and
    full-width katakana (``policies.kana``)."""
    return full_width_katakana(without_control_characters(text))


def normalize_text_fields(instance: models.Model) -> None:
    """Store every text field of a model instance as ``stored_text``, in place."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, stored_text(value))


class Plain(models.Model):
    """The base of every model people type into (``Versioned`` builds on it): whoever saves
    — a form, an import, the admin — stores ``stored_text``."""

    # Who saves, for django-simple-history's row (set by the services and the imports).
    _history_user: "User | None"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.before_write()
        super().save(*args, **kwargs)

    def before_write(self) -> None:
        """What every write of the row does first: ``save()`` calls it, and so does each
        bulk writer (the 評価表 import) for each row it writes, so both store the same."""
        normalize_text_fields(self)
