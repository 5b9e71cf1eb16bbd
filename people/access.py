"""Who someone is, asked once: the ``Access`` answer every rule of the project returns, the
user's role (``participant_of``), and the rules that need nothing but the person — the people
page and the plan import. The evaluation app's rules (``evaluation.access``) build on these;
the plan's structure (``policies``) asks here without importing the evaluation app."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from people.models import ActingChair, Participant

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


def participant_of(user: AnyUser) -> Participant | None:
    """The user's role in the evaluation, read once per request (cached on the user)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_participant_cache"):
        # In the same query: whom the person acts for today (職務代理), if anyone.
        acting = ActingChair.objects.on(timezone.localdate()).filter(user=OuterRef("user"))
        user._participant_cache = (  # type: ignore[attr-defined]
            Participant.objects.select_related("body")
            .annotate(acting_for_id=Subquery(acting.values("in_place_of")[:1]))
            .filter(user=user)
            .first()
        )
    return user._participant_cache  # type: ignore[attr-defined]


def is_insider(user: AnyUser) -> bool:
    """Logged-in people with a role (or admins) see cycles before they are published."""
    return participant_of(user) is not None or bool(user.is_authenticated and user.is_superuser)


def manages_people(user: AnyUser) -> bool:
    """The 事務局 and administrators manage people; nobody else changes a role."""
    if user.is_authenticated and user.is_superuser:
        return True
    participant = participant_of(user)
    return participant is not None and participant.is_secretariat


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
