"""差し戻し and 確認: the 事務局 sends an entry (実施状況, 自己評価) back to its 実施主体
with a comment, or marks it 確認済; the 委員長 sends the committee's draft back to the
事務局, or confirms several drafts in one step.

Each write checks the version the person saw (optimistic locking, like
``services.record_save``), bumps it and is kept in the history as that person. An edit of
an entry after it was sent back makes it 再提出 (``services.record_save`` does that, so no
edit path can skip it). A send-back is also sent by e-mail, once it is committed, to
the people it goes back to (``reminders.send_back.notify_send_back``; never twice, and
each person may turn it off).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation import services
from evaluation.models import (
    CommitteeEvaluation,
    CommitteeSummary,
    Cycle,
    Phase,
    ProjectReport,
    ReviewState,
    SelfEvaluation,
)
from evaluation.signals import sent_back
from people.models import Participant, Role
from policies.versioning import Versioned

COMMENT_MAX = 2000
Entry = ProjectReport | SelfEvaluation


def _review_save(record: Versioned, *, expected_version: int, user: User, **changes):
    current = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if current.version != expected_version:
        raise services.EditConflict(current)
    for name, value in changes.items():
        setattr(current, name, value)
    current._history_user = user
    current.save()
    return current


def notice_of(record: "Entry | CommitteeEvaluation", by: User) -> dict:
    """The notice of a sent-back record, as the ``sent_back`` signal carries it: who it goes to, what and where, the comment, and a key naming the record and
    its version (the same send-back never reaches a person twice)."""
    cycle = record.cycle
    if isinstance(record, CommitteeEvaluation):
        measure = record.measure
        url = reverse(
            "evaluation:committee_evaluation",
            kwargs={"plan": cycle.plan.code, "year": cycle.fiscal_year, "number": measure.number},
        )
        what = _("委員会評価の案「%(number)s %(title)s」") % {
            "number": measure.number,
            "title": measure.title,
        }
        people = Participant.objects.filter(role=Role.SECRETARIAT)
    else:
        what, url, body_id = _entry_notice(record)
        people = Participant.objects.filter(role=Role.STAFF, body_id=body_id)
    return {
        "cycle": cycle,
        "users": [p.user for p in people.select_related("user")],
        "what": what,
        "url": url,
        "comment": record.review_comment,
        "by": by,
        "key": f"{record._meta.model_name}:{record.pk}:{record.version}",
    }


def _notify_on_commit(record, *, by: User) -> None:
    """Announce the send-back once the transaction commits (a rolled-back send-back tells
    nobody); reminders subscribes and e-mails it."""
    notice = notice_of(record, by)
    transaction.on_commit(lambda: sent_back.send(sender=type(record), **notice))


def sent_back_notices(before: datetime) -> list[dict]:
    """The notice of every record sent back before ``before`` and still sent back, in a
    cycle open for entry or committee work, from the person who sent it back:
    ``send_reminders`` sends again any that did not go (the mail server was down), and
    skips those already sent. A send-back newer than ``before`` is still being sent by its
    own commit, which a second sender could duplicate."""
    open_phases = [Phase.ENTRY, Phase.COMMITTEE]
    notices = []
    for model, related in (
        (ProjectReport, ["cycle__plan", "project"]),
        (SelfEvaluation, ["cycle__plan", "measure", "body"]),
        (CommitteeEvaluation, ["cycle__plan", "measure"]),
    ):
        sent_back = model.objects.filter(
            review_state=ReviewState.SENT_BACK, cycle__phase__in=open_phases
        ).select_related(*related)
        for record in sent_back:
            latest = record.history.select_related("history_user").first()  # the send-back
            if latest is None or latest.history_user is None or latest.history_date >= before:
                continue
            notices.append(notice_of(record, latest.history_user))
    return notices


def _entry_notice(entry: Entry) -> tuple[str, str, int]:
    """(what was sent back, the link to its form, its 実施主体's id)."""
    cycle = entry.cycle
    kwargs = {"plan": cycle.plan.code, "year": cycle.fiscal_year}
    if isinstance(entry, ProjectReport):
        project = entry.project
        url = reverse("evaluation:report", kwargs={**kwargs, "code": project.code})
        return _("実施状況「%(name)s」") % {"name": project.name}, url, project.body_id
    measure, body = entry.measure, entry.body
    url = reverse(
        "evaluation:self_evaluation",
        kwargs={**kwargs, "number": measure.number, "body": body.code},
    )
    return (
        _("自己評価「%(number)s %(title)s」")
        % {
            "number": measure.number,
            "title": measure.title,
        },
        url,
        body.pk,
    )


@transaction.atomic
def entry_send_back(*, entry: Entry, user: User, expected_version: int, comment: str) -> Entry:
    """Send a 実施状況 or 自己評価 back to its 実施主体 with the reason, and tell its staff."""
    saved = _review_save(
        entry,
        expected_version=expected_version,
        user=user,
        review_state=ReviewState.SENT_BACK,
        review_comment=comment.strip()[:COMMENT_MAX],
    )
    _notify_on_commit(saved, by=user)
    return saved


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
    saved = _review_save(
        evaluation,
        expected_version=expected_version,
        user=user,
        review_state=ReviewState.SENT_BACK,
        review_comment=comment.strip()[:COMMENT_MAX],
    )
    _notify_on_commit(saved, by=user)
    return saved


@dataclass
class ConfirmResult:
    confirmed: list[CommitteeEvaluation] = field(default_factory=list)
    conflicts: list[CommitteeEvaluation] = field(default_factory=list)  # the current drafts
    summary: str = ""  # the 総評: "confirmed", "conflict", or "" when not chosen


def committee_confirm_many(
    *, cycle: Cycle, versions: dict[str, int], user: User, summary_version: int | None = None
) -> ConfirmResult:
    """Confirm the drafts of the chosen 施策 (number → the version the chair saw), and the
    総評 when chosen (``summary_version``). A draft changed since (by the 事務局, or
    confirmed or sent back meanwhile) is left as it is and reported as a conflict; the
    others are confirmed, each in its own savepoint."""
    result = ConfirmResult()
    summary = CommitteeSummary.objects.filter(cycle=cycle).first()
    if summary_version is not None and summary is not None:
        try:
            with transaction.atomic():
                services.committee_summary_confirm(
                    summary=summary, user=user, expected_version=summary_version
                )
            result.summary = "confirmed"
        except services.EditConflict:
            result.summary = "conflict"
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
