"""Writes that the views (and imports) call: phase moves and versioned saves.

Every save goes through ``record_save`` so that it is checked against the version the
user started from (optimistic locking), validated, and written to the history as that
user. Nothing here uses ``QuerySet.update()``, which would bypass the history.
"""

import logging
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.follow_ups import follow_ups_open
from evaluation.models import (
    LOCKED_PHASES,
    PHASES,
    CommitteeEvaluation,
    CommitteeSummary,
    Cycle,
    Phase,
    Project,
    ProjectReport,
    ReviewState,
    Versioned,
)
from evaluation.sheet import locked as locked_sheet
from evaluation.signals import phase_moved
from people.models import acting_for
from policies.fiscal_years import wareki
from policies.models import Initiative, Measure, Plan, RatingLevel, RatingScale

V = TypeVar("V", bound=Versioned)


class EditConflict(Exception):
    """Someone else saved the record after this user opened it."""

    def __init__(self, current: Versioned):
        super().__init__(_("ほかの人が先に保存しました。"))
        self.current = current


class TransitionError(Exception):
    """A phase move that is not one step forward or back."""


def _locked_current(instance: V) -> V | None:
    """The saved row for ``instance`` (by pk, else by its unique fields), locked for update."""
    model = type(instance)
    manager = model._default_manager.select_for_update()
    if instance.pk:
        return manager.filter(pk=instance.pk).first()
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            attnames = [
                f.attname for f in model._meta.concrete_fields if f.name in constraint.fields
            ]
            return manager.filter(**{a: getattr(instance, a) for a in attnames}).first()
    return None


def mark_resubmitted(instance: Versioned, current: Versioned) -> None:
    """An edit of an entry that was sent back (差し戻し) or already checked (確認済) is a
    re-submission (再提出) for the checker to look at again. See ``send_back``. The
    評価表 import, which writes in bulk, applies it too."""
    state = getattr(current, "review_state", None)
    if state in {ReviewState.SENT_BACK, ReviewState.CHECKED}:
        instance.review_state = ReviewState.RESUBMITTED  # type: ignore[attr-defined]  # the records with a review_state_field


@transaction.atomic
def record_save(*, instance: V, expected_version: int, user: User, m2m: dict | None = None) -> V:
    """Save ``instance`` if nobody saved it since ``expected_version``; else ``EditConflict``.

    A record that did not exist when the user opened the form has ``expected_version`` 0;
    if someone created it meanwhile, that is a conflict too. A locked record (its year is
    確定/公開, or a confirmed 委員会評価: ``Versioned.lock_reason``) is refused with the reason.
    """
    current = _locked_current(instance)
    locked = (current or instance).lock_reason(user)
    if locked:
        raise ValidationError(locked)
    if current is not None:
        if current.version != expected_version:
            raise EditConflict(current)
        mark_resubmitted(instance, current)
        instance.pk = current.pk
        instance._state.adding = False
    elif expected_version != 0:
        # It was deleted meanwhile; saving would resurrect it silently.
        raise EditConflict(instance)
    instance.version = expected_version  # save() bumps it (models.Versioned)
    try:
        instance.full_clean()
    except ValidationError:
        # Two people creating the same record at once: the other's row appeared between
        # the look-up above and this check. That is a conflict (shown with both versions),
        # not a "already exists" message about the record's key.
        if current is None and (other := _locked_current(instance)) is not None:
            raise EditConflict(other) from None
        raise
    instance._history_user = user
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise EditConflict(_locked_current(instance) or instance) from None
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def project_continue(
    *, project: Project, plan: Plan, initiatives: list[Initiative], user: User
) -> Project:
    """「前の計画から引き継ぐ」: a 事業 of ``plan``'s predecessor carries on in ``plan`` as the
    same record, so its code, its history and the 実施状況 and 指標 of every year run across
    the boundary. It keeps the previous plan's 展開 (those years read as they did) and
    serves ``initiatives`` of the new plan from now on."""
    if plan.predecessor_id is None or project.plan_id != plan.predecessor_id:
        raise ValidationError(_("前の計画の事業だけを引き継げます。"))
    if any(i.measure.basic_policy.plan_id != plan.pk for i in initiatives) or not initiatives:
        raise ValidationError(_("この計画の展開を1つ以上選んでください。"))
    kept = list(project.initiatives.all())
    project.previous_plan_id = project.plan_id
    project.plan = plan
    record_save(
        instance=project,
        expected_version=project.version,
        user=user,
        m2m={"initiatives": [*kept, *initiatives]},
    )
    return project


@transaction.atomic
def project_uncontinue(*, project: Project, user: User, expected_version: int) -> Project:
    """「引き継ぎを取り消す」: a continued 事業 goes back to the previous plan, as it was
    before ``project_continue``, while nothing of the new plan's years has been entered
    for it (else those years would lose their 事業). The history keeps both steps."""
    if project.previous_plan_id is None:
        raise ValidationError(_("この事業は前の計画から引き継いだ事業ではありません。"))
    entered = sorted(
        ProjectReport.objects.filter(project=project, cycle__plan_id=project.plan_id).values_list(
            "cycle__fiscal_year", flat=True
        )
    )
    if entered:
        raise ValidationError(
            _(
                "%(plan)sの%(years)sの実施状況が入力されているため、引き継ぎを取り消せません。"
                "取り消すには、先にその実施状況を削除してください。"
            )
            % {"plan": project.plan.short_name, "years": "・".join(wareki(y) for y in entered)}
        )
    previous = project.previous_plan_id
    kept = list(project.initiatives.filter(measure__basic_policy__plan_id=previous))
    project.plan_id, project.previous_plan_id = previous, None
    return record_save(
        instance=project, expected_version=expected_version, user=user, m2m={"initiatives": kept}
    )


@transaction.atomic
def cycle_move(*, cycle: Cycle, to_phase: str, user: User, expected_version: int) -> Cycle:
    """Move a cycle one phase forward or back; the history records who and when."""
    current = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    if to_phase not in PHASES or abs(PHASES.index(to_phase) - current.phase_index) != 1:
        raise TransitionError(_("段階は1つずつ進めるか戻すことしかできません。"))
    if to_phase in LOCKED_PHASES:
        if unconfirmed := unconfirmed_measures(current):
            raise TransitionError(
                _("委員長が確定していない委員会評価があるため、「%(phase)s」に進めません: %(list)s")
                % {
                    "phase": Phase(to_phase).label,
                    "list": "、".join(f"{m.number} {m.title}" for m in unconfirmed),
                }
            )
        if CommitteeSummary.objects.filter(cycle=current, confirmed_at__isnull=True).exists():
            raise TransitionError(
                _("委員長が確定していない総評があるため、「%(phase)s」に進めません。")
                % {"phase": Phase(to_phase).label}
            )
        locked_sheet.freeze(current)
    elif current.is_locked:
        locked_sheet.unfreeze(current)  # back to 委員会評価: the 事業 may change again
    from_phase = current.phase
    current.phase = to_phase
    current._history_user = user
    current.save()
    # Publication builds (at 確定) or publishes (at 公開) the year's edition once the move is
    # committed: an edition is rendered from what the database holds for everyone.
    transaction.on_commit(
        lambda: phase_moved.send(
            sender=Cycle, cycle=current, from_phase=from_phase, to_phase=to_phase, user=user
        )
    )
    if to_phase == Phase.ENTRY:
        # Last year's committee opinions become this year's follow-up items.
        follow_ups_open(cycle=current, user=user)
    return current


@transaction.atomic
def drafts_release(*, cycle: Cycle, user: User, expected_version: int) -> Cycle:
    """The 事務局 opens every draft of the year to the committee (e.g. for the meeting):
    from now on a member sees each 施策's draft, scored or not. Versioned (the cycle's
    history says who and when) and logged; it stays released for the year."""
    current = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    if current.drafts_released_at is None:
        current.drafts_released_at = timezone.now()
        current._history_user = user
        current.save()
        logging.getLogger("security").info(
            "委員会評価の案を委員に公開しました: %s（%s）",
            current,
            user.get_username(),
            extra={
                "event": "drafts.released",
                "user_id": user.pk,
                "plan": current.plan.code,
                "fiscal_year": current.fiscal_year,
            },
        )
    return current


def committee_summary_confirm(
    *, summary: CommitteeSummary, user: User, expected_version: int
) -> CommitteeSummary:
    """The chair confirms the 総評 (with the drafts): from now on it is locked."""
    current = CommitteeSummary.objects.select_for_update().get(pk=summary.pk)
    if current.version != expected_version or current.is_confirmed:
        raise EditConflict(current)
    current.confirmed_by = user
    current.confirmed_at = timezone.now()
    current._history_user = user
    current.save()
    return current


def unconfirmed_measures(cycle: Cycle) -> list[Measure]:
    """施策 of the cycle's plan without a 委員会評価 that the chair confirmed."""
    confirmed = CommitteeEvaluation.objects.filter(cycle=cycle).confirmed().values("measure_id")
    return list(
        Measure.objects.of_plan(cycle.plan)
        .exclude(pk__in=confirmed)
        .order_by("basic_policy__number", "order")
    )


@transaction.atomic
def committee_evaluation_confirm(
    *, evaluation: CommitteeEvaluation, user: User, expected_version: int
) -> CommitteeEvaluation:
    """The chair (or the 副委員長 acting for them) confirms the compiled evaluation: from
    now on it is locked."""
    current = CommitteeEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    current.confirmed_by = user
    # A 副委員長 confirming as 職務代理 is recorded with the chair they act for.
    current.confirmed_for = acting_for(user, timezone.localdate())
    current.confirmed_at = timezone.now()
    current._history_user = user
    current.save()
    return current


@transaction.atomic
def children_save(*, formset, parent: Versioned, user: User) -> None:
    """Save the rows of an inline formset under ``parent`` (already saved through
    ``record_save``): each new or changed row through ``record_save``, each row marked for
    deletion after the same version check, all as ``user`` in the history, in form order.

    A row someone changed or deleted meanwhile is reported as a conflict on the parent:
    the children are only edited with their parent, whose version moved too.
    """
    deleted = set(formset.deleted_forms)
    position = 0
    for form in formset.forms:
        expected = (form.cleaned_data or {}).get("version", 0)
        if form in deleted:
            if form.instance.pk:
                current = _locked_current(form.instance)
                if current is None or current.version != expected:
                    raise EditConflict(parent)
                current._history_user = user
                current.delete()
            continue
        if not form.has_changed() and form.instance.pk is None:
            continue  # an empty extra row
        child = form.save(commit=False)
        setattr(child, formset.fk.name, parent)
        if hasattr(child, "order"):
            child.order = position
        position += 1
        if form.has_changed() or child.pk is None:
            try:
                record_save(instance=child, expected_version=expected, user=user)
            except EditConflict:
                raise EditConflict(parent) from None


# --- the cycle's own rating scale ------------------------------------------------------------


def _scale_is_the_years_own(scale: RatingScale, cycle: Cycle) -> bool:
    """Whether the cycle alone uses ``scale``: then it is edited in place. A scale shared
    with a plan (its default) or another year is never changed from one year's page."""
    return (
        cycle.rating_scale_id == scale.pk
        and not scale.plans.exists()
        and not Cycle.objects.filter(rating_scale=scale).exclude(pk=cycle.pk).exists()
    )


def _free_scale_code(cycle: Cycle) -> str:
    base = f"{cycle.plan.code}-{cycle.fiscal_year}"
    taken = set(RatingScale.objects.filter(code__startswith=base).values_list("code", flat=True))
    return next(
        code for n in range(1, 1000) if (code := f"{base}-{n}" if n > 1 else base) not in taken
    )


def _kept_rows(levels) -> list:
    deleted = set(levels.deleted_forms)
    return [f for f in levels.forms if f not in deleted and (f.instance.pk or f.has_changed())]


@transaction.atomic
def cycle_scale_save(
    *, cycle: Cycle, opened_scale_id: int, scale_form, levels, user: User
) -> RatingScale:
    """Save the rating scale of ``cycle`` as edited on its page (``scale_form`` and the
    ``levels`` formset, both valid).

    The year's own scale is saved in place through ``record_save`` (its version checked)
    and its levels through ``children_save``. A scale the year shares — the plan's default,
    another year's — stays as it is: the edit becomes the year's own copy, and the cycle
    is pointed at it (``Cycle.clean`` refuses that once a rating exists). If the year was
    given another scale since the page was opened, that is a conflict.
    """
    current = Cycle.objects.select_for_update().select_related("plan").get(pk=cycle.pk)
    scale = RatingScale.objects.get(pk=current.scale_id)
    if scale.pk != opened_scale_id:
        raise EditConflict(scale)
    levels.rows_in_order()
    if _scale_is_the_years_own(scale, current):
        saved = record_save(
            instance=scale_form.save(commit=False),
            expected_version=scale_form.cleaned_data["version"],
            user=user,
        )
        children_save(formset=levels, parent=saved, user=user)
        return saved
    if scale_form.cleaned_data["version"] != scale.version:
        raise EditConflict(scale)
    copy = record_save(
        instance=RatingScale(code=_free_scale_code(current), name=scale_form.cleaned_data["name"]),
        expected_version=0,
        user=user,
    )
    for order, row in enumerate(_kept_rows(levels)):
        data = row.cleaned_data
        level = RatingLevel(
            scale=copy, order=order, code=data["code"], label=data["label"], points=data["points"]
        )
        record_save(instance=level, expected_version=0, user=user)
    current.rating_scale = copy
    record_save(instance=current, expected_version=current.version, user=user)
    return copy


@transaction.atomic
def cycle_scale_pick(
    *, cycle: Cycle, scale: RatingScale, expected_version: int, user: User
) -> Cycle:
    """Rate the year on another existing scale (the plan's default is kept as "none of its
    own"). ``Cycle.clean`` refuses it outside 準備 or once a rating exists."""
    cycle.rating_scale = None if scale.pk == cycle.plan.rating_scale_id else scale
    return record_save(instance=cycle, expected_version=expected_version, user=user)
