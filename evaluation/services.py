"""Writes that the views (and imports) call: phase moves and versioned saves.

Every save goes through ``record_save`` so that it is checked against the version the
user started from (optimistic locking), validated, and written to the history as that
user. Nothing here uses ``QuerySet.update()``, which would bypass the history.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import PHASES, CommitteeEvaluation, Cycle, Versioned


class EditConflict(Exception):
    """Someone else saved the record after this user opened it."""

    def __init__(self, current: models.Model):
        super().__init__(_("ほかの人が先に保存しました。"))
        self.current = current


class TransitionError(Exception):
    """A phase move that is not one step forward or back."""


def _locked_current(instance: models.Model) -> models.Model | None:
    """The saved row for ``instance`` (by pk, else by its unique fields), locked for update."""
    model = type(instance)
    manager = model._default_manager.select_for_update()
    if instance.pk:
        return manager.filter(pk=instance.pk).first()
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            attnames = [model._meta.get_field(name).attname for name in constraint.fields]
            return manager.filter(**{a: getattr(instance, a) for a in attnames}).first()
    return None


@transaction.atomic
def record_save(
    *, instance: Versioned, expected_version: int, user: User, m2m: dict | None = None
) -> Versioned:
    """Save ``instance`` if nobody saved it since ``expected_version``; else ``EditConflict``.

    A record that did not exist when the user opened the form has ``expected_version`` 0;
    if someone created it meanwhile, that is a conflict too. A locked record (its year is
    確定/公開, or a confirmed 委員会評価: ``Versioned.lock_reason``) is refused with the reason.
    """
    current = _locked_current(instance)
    locked = (current or instance).lock_reason()
    if locked:
        raise ValidationError(locked)
    if current is not None:
        if current.version != expected_version:
            raise EditConflict(current)
        instance.pk = current.pk
        instance._state.adding = False
    elif expected_version != 0:
        # It was deleted meanwhile; saving would resurrect it silently.
        raise EditConflict(instance)
    instance.version = expected_version  # save() bumps it (models.Versioned)
    instance.full_clean()
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
def cycle_move(*, cycle: Cycle, to_phase: str, user: User, expected_version: int) -> Cycle:
    """Move a cycle one phase forward or back; the history records who and when."""
    current = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    if to_phase not in PHASES or abs(PHASES.index(to_phase) - current.phase_index) != 1:
        raise TransitionError(_("段階は1つずつ進めるか戻すことしかできません。"))
    current.phase = to_phase
    current._history_user = user
    current.save()
    return current


@transaction.atomic
def committee_evaluation_confirm(
    *, evaluation: CommitteeEvaluation, user: User, expected_version: int
) -> CommitteeEvaluation:
    """The chair confirms the compiled evaluation: from now on it is locked."""
    current = CommitteeEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    current.confirmed_by = user
    current.confirmed_at = timezone.now()
    current._history_user = user
    current.save()
    return current
