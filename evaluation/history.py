"""Change history of a record, as people read it: who, when, and which fields changed."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.db import models

from evaluation import page_cache
from people.models import display_name

HISTORY_LIMIT = 20
HIDDEN_FIELDS = {"version"}


@dataclass
class Change:
    when: datetime
    who: str
    kind: str
    fields: list[str] = field(default_factory=list)


def changes_of(instance: models.Model | None) -> list[Change]:
    """The latest changes of ``instance``, newest first: one query, once per version of the
    record (``page_cache.of_version``; a person renamed later keeps their old name there)."""
    if instance is None or instance.pk is None:
        return []
    return page_cache.of_version(instance, "history", lambda: _changes(instance))


def _changes(instance: models.Model) -> list[Change]:
    history = cast(Any, instance).history  # django-simple-history's manager (it ships no types)
    records = list(history.select_related("history_user")[: HISTORY_LIMIT + 1])
    kinds = {"+": "作成", "~": "変更", "-": "削除"}
    changes: list[Change] = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if len(changes) == HISTORY_LIMIT:
            break
        names: list[str] = []
        if older is not None and newer.history_type == "~":
            # Many-to-many changes are kept in the history too, but comparing them costs a
            # query per row; the list names the plain fields so the page's cost stays fixed.
            m2m = [f.name for f in instance._meta.many_to_many]
            delta = newer.diff_against(older, excluded_fields=m2m, foreign_keys_are_objs=False)
            names = [
                str(cast(models.Field, instance._meta.get_field(c.field)).verbose_name)
                for c in delta.changes
                if c.field not in HIDDEN_FIELDS
            ]
        user = newer.history_user
        changes.append(
            Change(
                when=newer.history_date,
                who=display_name(user) if user else "（システム）",
                kind=kinds.get(newer.history_type, newer.history_type),
                fields=names,
            )
        )
    return changes
