"""訂正 of a published year, as governments make them (``publication.models.Correction``).

The 事務局 opens a 訂正 on a 公開 year with a reason; while it is open the year's records
(実施状況, 自己評価, 委員会評価, 参考指標 values of the year) may be changed by the 事務局
and nobody else (``Cycle.correctable_by``), with the history kept as for any save. The
public keeps being served the published edition: serving reads only published editions.
The 事務局 submits it; the 委員長 approves it — the next edition is built with its 正誤表
(where, before, after, the reason, the date) and published at once — or sends it back
with a comment, and the 事務局 corrects again. A 訂正 with nothing changed can be
withdrawn. Each step is a security event.
"""

import logging

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import CorrectionState, Cycle
from people.access import participant_of
from people.models import Participant
from policies.fiscal_years import wareki
from publication.editions import edition_build, errata_between, snapshot_of
from publication.models import Correction, Edition

security = logging.getLogger("security")


def _log(message: str, event: str, correction: Correction, user: User) -> None:
    security.info(
        message,
        wareki(correction.cycle.fiscal_year),
        extra={"event": event, "user_id": user.pk, "cycle": correction.cycle_id},
    )


def _role(user: User) -> Participant | None:
    """The user's role as every rule reads it (the 副委員長 acting for the chair included)."""
    return participant_of(user)


def _pending(cycle: Cycle, state: str) -> Correction:
    """The year's 訂正 in ``state``, locked for this transaction; refused otherwise."""
    found = (
        Correction.objects.select_for_update()
        .select_related("cycle__plan")
        .filter(cycle=cycle, state=state)
        .first()
    )
    if found is None:
        raise ValidationError(
            _("この年度には「%(state)s」の訂正がありません。画面を開き直してください。")
            % {"state": CorrectionState(state).label}
        )
    return found


def _secretariat_only(user: User) -> None:
    role = _role(user)
    if not (role and role.is_secretariat):
        raise ValidationError(_("訂正を始める・承認を求める・取り下げるのは事務局です。"))


@transaction.atomic
def correction_open(*, cycle: Cycle, reason: str, user: User) -> Correction:
    """The 事務局 opens a 訂正 of a 公開 year, with the reason the 正誤表 will print."""
    _secretariat_only(user)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if not cycle.is_published:
        raise ValidationError(_("訂正できるのは「公開」の段階の年度だけです。"))
    if not reason.strip():
        raise ValidationError(_("訂正の理由を入力してください。正誤表に載ります。"))
    try:
        with transaction.atomic():
            correction = Correction.objects.create(
                cycle=cycle, reason=reason.strip(), opened_by=user
            )
    except IntegrityError:
        raise ValidationError(
            _("この年度にはすでに進行中の訂正があります。画面を開き直してください。")
        ) from None
    _log("%s の訂正を始めました。", "correction.opened", correction, user)
    return correction


@transaction.atomic
def correction_submit(*, cycle: Cycle, user: User) -> Correction:
    """The 事務局 asks the 委員長 to approve the corrected records."""
    _secretariat_only(user)
    correction = _pending(cycle, CorrectionState.OPEN)
    if not preview(correction):
        raise ValidationError(
            _("公開中の版から変わった箇所がありません。記録を直すか、訂正を取り下げてください。")
        )
    correction.state = CorrectionState.SUBMITTED
    correction.submitted_at = timezone.now()
    correction.save()
    _log("%s の訂正の承認を求めました。", "correction.submitted", correction, user)
    return correction


@transaction.atomic
def correction_withdraw(*, cycle: Cycle, user: User) -> Correction:
    """The 事務局 withdraws a 訂正 whose records still print as the published edition
    (what was changed must first be put back, so that nothing unpublished stays live)."""
    _secretariat_only(user)
    correction = _pending(cycle, CorrectionState.OPEN)
    if preview(correction):
        raise ValidationError(
            _(
                "公開中の版から変わった箇所があるため、取り下げられません。"
                "元に戻すか、承認を求めてください。"
            )
        )
    correction.state = CorrectionState.WITHDRAWN
    correction.closed_at = timezone.now()
    correction.save()
    _log("%s の訂正を取り下げました。", "correction.withdrawn", correction, user)
    return correction


def _chair_only(user: User) -> None:
    role = _role(user)
    if not (role and role.is_chair):
        raise ValidationError(_("訂正を承認・差し戻しできるのは委員長だけです。"))


@transaction.atomic
def correction_send_back(*, cycle: Cycle, comment: str, user: User) -> Correction:
    """The 委員長 sends the 訂正 back to the 事務局 with a comment; it is open again."""
    _chair_only(user)
    correction = _pending(cycle, CorrectionState.SUBMITTED)
    if not comment.strip():
        raise ValidationError(_("差し戻す理由をコメントに書いてください。"))
    correction.state = CorrectionState.OPEN
    correction.comment = comment.strip()
    correction.save()
    _log("%s の訂正を差し戻しました。", "correction.sent_back", correction, user)
    return correction


@transaction.atomic
def correction_approve(*, cycle: Cycle, user: User) -> Edition:
    """The 委員長 approves: the next edition is built with its 正誤表 and published at once;
    every earlier edition stays as it was, downloadable with its hash and date."""
    _chair_only(user)
    correction = _pending(cycle, CorrectionState.SUBMITTED)
    edition = edition_build(cycle=correction.cycle, user=user, reason=correction.reason)
    edition.publish()
    correction.state = CorrectionState.PUBLISHED
    correction.approved_by = user
    correction.approved_at = edition.published_at
    correction.edition = edition
    correction.save()
    _log("%s の訂正を承認し、新しい版を公開しました。", "correction.approved", correction, user)
    return edition


def current_edition(cycle: Cycle) -> Edition | None:
    return cycle.editions.published().order_by("-number").first()


def preview(correction: Correction) -> list[dict]:
    """The 正誤表 the 訂正 would publish now: the published edition against the records."""
    published = current_edition(correction.cycle)
    if published is None:
        return []
    return errata_between(published.snapshot, snapshot_of(correction.cycle))
