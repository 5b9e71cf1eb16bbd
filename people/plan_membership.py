"""Who takes part in a plan that has just been created (by the plan import or a script).

A revision of a plan (one with a ``predecessor``) is run by the same people: everyone who
takes part in the predecessor takes part in the revision. Whoever created the plan — the
事務局 who imported it — takes part in it too, so they can open its years; an administrator
adds anyone else (the admin's 参加者), and the 事務局 then invites into it.
"""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from people.models import Participant
from policies.models import Plan


@receiver(post_save, sender=Plan, dispatch_uid="people-plan-created")
def plan_created(
    sender: type[Plan], instance: Plan, created: bool, raw: bool, **kwargs: Any
) -> None:
    if not created or raw:
        return
    people = Participant.objects.none()
    if instance.predecessor_id is not None:
        people = Participant.objects.filter(plans=instance.predecessor_id)
    creator = getattr(instance, "_history_user", None)
    if creator is not None:
        people = people | Participant.objects.filter(user_id=creator.pk)
    instance.participants.add(*people.distinct())
