"""The base of every record people edit: a version for optimistic locking and a history.

It lives in the plan's app, the one every other app builds on, because the cycle's rating
scale (``RatingScale``, ``RatingLevel``) is edited by people like the evaluation records.
"""

from django.db import models
from django.utils.translation import gettext
from simple_history.models import HistoricalRecords

from policies.stored_text import Plain


class Versioned(Plain):
    """The base of every record people edit: it owns the optimistic-locking ``version`` and
    the history (django-simple-history), so no writer — a form, an import, the admin —
    can save without bumping the version and leaving a history row (``Plain``: nor without
    storing its text as ``stored_text``).

    ``save()`` bumps ``version`` by one. ``services.record_save`` checks the version the
    person started from before saving; a form opened before any other save (the admin's
    included) is then a conflict, never a silent overwrite.
    """

    version = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def before_write(self) -> None:
        super().before_write()
        self.version = (self.version or 0) + 1

    def lock_reason(self, user=None) -> str:
        """Why this record can no longer change (empty if it can): a record of a 確定 or
        公開 year is locked, whoever writes — a form, an import or the admin — except by the
        ``user`` the year's open 訂正 lets correct it (``Cycle.correctable_by``; the admin
        asks without a user, so it stays read-only)."""
        cycle = getattr(self, "cycle", None) if hasattr(self, "cycle_id") else None
        if cycle is not None and cycle.is_locked and not cycle.correctable_by(user):
            return gettext("この年度の評価は確定しているため編集できません。")
        return ""
