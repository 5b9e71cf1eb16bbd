"""差し戻し and 確認: the 事務局 sends an entry (実施状況, 自己評価) back to its 実施主体
with a comment, or marks it 確認済; the 委員長 sends the committee's draft back to the
事務局, or confirms several drafts in one step.

Each write checks the version the person saw (optimistic locking, like
``services.record_save``), bumps it and is kept in the history as that person. An edit of
an entry after it was sent back makes it 再提出 (``services.record_save`` does that, so no
edit path can skip it). Issue 13's e-mail reminders can send a notice from the records
these functions return (``review_comment``, ``review_state``).
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils.translation import gettext as _

from evaluation import services
from evaluation.models import CommitteeEvaluation, Cycle, ProjectReport, ReviewState, SelfEvaluation

COMMENT_MAX = 2000
Entry = ProjectReport | SelfEvaluation


def _review_save(record: models.Model, *, expected_version: int, user: User, **changes):
    current = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if current.version != expected_version:
        raise services.EditConflict(current)
    for name, value in changes.items():
        setattr(current, name, value)
    current._history_user = user
    current.save()
    return current


@transaction.atomic
def entry_send_back(*, entry: Entry, user: User, expected_version: int, comment: str) -> Entry:
    """Send a 実施状況 or 自己評価 back to its 実施主体 with the reason."""
    return _review_save(
        entry,
        expected_version=expected_version,
        user=user,
        review_state=ReviewState.SENT_BACK,
        review_comment=comment.strip()[:COMMENT_MAX],
    )


@transaction.atomic
def entry_mark_checked(*, entry: Entry, user: User, expected_version: int) -> Entry:
    """The 事務局 has checked the entry (確認済); the last send-back comment stays in the
    history."""
    return _review_save(
        entry,
        expected_version=expected_version,
        user=user,
        review_state=ReviewState.CHECKED,
        review_comment="",
    )


@transaction.atomic
def committee_send_back(
    *, evaluation: CommitteeEvaluation, user: User, expected_version: int, comment: str
) -> CommitteeEvaluation:
    """The chair sends the committee's draft back to the 事務局 with a comment."""
    if evaluation.is_confirmed:
        raise services.TransitionError(_("確定した委員会評価は差し戻せません。"))
    return _review_save(
        evaluation,
        expected_version=expected_version,
        user=user,
        review_state=ReviewState.SENT_BACK,
        review_comment=comment.strip()[:COMMENT_MAX],
    )


@dataclass
class ConfirmResult:
    confirmed: list[CommitteeEvaluation] = field(default_factory=list)
    conflicts: list[CommitteeEvaluation] = field(default_factory=list)  # the current drafts


def committee_confirm_many(*, cycle: Cycle, versions: dict[str, int], user: User) -> ConfirmResult:
    """Confirm the drafts of the chosen 施策 (number → the version the chair saw). A draft
    changed since (by the 事務局, or confirmed or sent back meanwhile) is left as it is and
    reported as a conflict; the others are confirmed, each in its own savepoint."""
    result = ConfirmResult()
    drafts = CommitteeEvaluation.objects.filter(
        cycle=cycle, measure__number__in=list(versions)
    ).select_related("measure", "rating")
    with transaction.atomic():
        for draft in drafts:
            try:
                with transaction.atomic():
                    if draft.is_confirmed:
                        raise services.EditConflict(draft)
                    result.confirmed.append(
                        services.committee_evaluation_confirm(
                            evaluation=draft,
                            user=user,
                            expected_version=versions[draft.measure.number],
                        )
                    )
            except services.EditConflict:
                result.conflicts.append(draft)
    return result
