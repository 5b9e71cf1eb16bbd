"""Who someone is, asked once: the ``Access`` answer every rule of the project returns, the
user's role (``participant_of``), and the rules that need nothing but the person — the people
page and the plan import. The evaluation app's rules (``evaluation.access``) build on these;
the plan's structure (``policies``) asks here without importing the evaluation app."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from people.models import ActingChair, Participant
from policies.models import Plan

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class Access:
    view: bool
    edit: bool = False
    reason: str = ""


DENIED = Access(view=False)


def signed_in(user: AnyUser) -> User:
    """The person a rule let write. No rule lets an anonymous visitor write; should one ever
    do so, the write is refused here instead of being saved without an author."""
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def participant_of(user: AnyUser, plan_id: int | None = None) -> Participant | None:
    """The user's role in the evaluation, read once per request (cached on the user).

    With a plan: the role only if the person takes part in that plan (``Participant.plans``);
    in any other plan they are an outsider and every rule treats them as the public. The
    plans come in the same query as the role (one row per plan), so asking costs nothing."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_participant_cache"):
        # In the same query: whom the person acts for today (職務代理), if anyone, and the
        # plans they take part in.
        acting = ActingChair.objects.on(timezone.localdate()).filter(user=OuterRef("user"))
        rows = list(
            Participant.objects.select_related("body")
            .annotate(
                acting_for_id=Subquery(acting.values("in_place_of")[:1]), plan_joined=F("plans")
            )
            .filter(user=user)
        )
        participant = rows[0] if rows else None
        if participant is not None:
            participant.plan_ids = frozenset(r.plan_joined for r in rows if r.plan_joined)
        user._participant_cache = participant  # type: ignore[attr-defined]
    participant = user._participant_cache  # type: ignore[attr-defined]
    if plan_id is not None and participant is not None and plan_id not in participant.plan_ids:
        return None
    return participant


def is_insider(user: AnyUser, plan_id: int) -> bool:
    """Logged-in people with a role in the plan (or admins) see its cycles before they are
    published; people of another plan see what the public sees. Administrators see every
    plan."""
    return participant_of(user, plan_id) is not None or bool(
        user.is_authenticated and user.is_superuser
    )


def manages_people(user: AnyUser) -> bool:
    """The 事務局 and administrators manage people; nobody else changes a role."""
    if user.is_authenticated and user.is_superuser:
        return True
    participant = participant_of(user)
    return participant is not None and participant.is_secretariat


def plans_managed_by(user: AnyUser) -> "QuerySet[Plan]":
    """The plans whose people ``user`` manages: every plan for an administrator, the plans
    a 事務局 takes part in, none for anyone else. The 事務局 of one plan never manages the
    people of another."""
    if user.is_authenticated and user.is_superuser:
        return Plan.objects.all()
    participant = participant_of(user)
    if participant is None or not participant.is_secretariat:
        return Plan.objects.none()
    return Plan.objects.filter(pk__in=participant.plan_ids)  # type: ignore[attr-defined]


def people_access(user: AnyUser) -> Access:
    """関係者の管理 (the people page, invitations, deactivation): the 事務局 and administrators.
    Which roles each may give is ``people.rules.role_change_refusal``."""
    if manages_people(user):
        return Access(view=True, edit=True)
    return DENIED


def plan_import_access(user: AnyUser) -> Access:
    """計画の構造の取り込み: the secretariat (its role carries the right) and administrators.

    The preview is the safeguard: nothing is saved before the 事務局 has seen what changes,
    nothing is deleted, and a published year keeps its edition as it was published.
    """
    if user.is_authenticated and user.is_superuser:
        return Access(view=True, edit=True)
    participant = participant_of(user)
    if not (participant and participant.is_secretariat):
        return DENIED
    return Access(view=True, edit=True)


def denied(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Anonymous visitors are asked to log in; logged-in people without the right get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(reason)
