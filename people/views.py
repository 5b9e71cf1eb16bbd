"""The 事務局's people page (not the admin): everyone by role and 実施主体, invitations,
a new link to choose a password, deactivation and changes of role; and the pages of the
one-time links (an invitation, 「パスワードを忘れた場合」)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from people import services
from people.access import denied, people_access, plans_managed_by
from people.forms import (
    ActingChairForm,
    HandoverForm,
    InviteForm,
    ResetForm,
    RoleForm,
    SeatForm,
)
from people.mails import mail_context
from people.models import ActingChair, Handover, Participant, Role, Seat, display_name
from people.throttle import over_limit
from people.tokens import invitation_tokens
from plan.client_address import client_address

ROLE_ORDER = Case(
    *(When(role=role, then=Value(i)) for i, role in enumerate(Role.values)),
    output_field=IntegerField(),
)


@require_safe
def people_list(request: HttpRequest) -> HttpResponse:
    """関係者の一覧: by role and 実施主体, with the last login, and the recent 人事異動: two
    queries whatever the number of people."""
    if not people_access(request.user).view:
        return denied(request)
    people = (
        Participant.objects.select_related("user", "body")
        .filter(pk__in=_managed(request))
        .annotate(
            role_order=ROLE_ORDER,
            has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)),
        )
        .order_by("role_order", "body__pk", "-user__is_active", "user__last_name", "user__pk")
    )
    handovers = Handover.objects.select_related(
        "body", "predecessor", "successor", "recorded_by"
    ).filter(successor__participant__in=_managed(request))[:20]
    return render(request, "people/people_list.html", {"people": people, "handovers": handovers})


def person_invite(request: HttpRequest) -> HttpResponse:
    if not people_access(request.user).edit:
        return denied(request)
    form = InviteForm(request.POST or None, plans=plans_managed_by(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.person_invite(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)sさんに招待のメールを送りました（%(email)s）。")
                % {"name": display_name(participant.user), "email": participant.user.email},
            )
            return redirect("people:list")
    return render(request, "people/person_invite.html", {"form": form})


def _managed(request: HttpRequest) -> "QuerySet[Participant]":
    """The people of the plans the user manages (``plans_managed_by``), as a subquery."""
    managed = plans_managed_by(request.user)
    return Participant.objects.filter(plans__in=managed).values("pk")


def _person(request: HttpRequest, pk: int) -> Participant:
    """The person the 事務局 acts on: one of the people of its plans (404 otherwise, as for
    an unknown one)."""
    return get_object_or_404(
        Participant.objects.select_related("user", "body").filter(pk__in=_managed(request)),
        pk=pk,
    )


def person_role(request: HttpRequest, pk: int) -> HttpResponse:
    """A change of role or 実施主体 (人事異動 to another body), through ``people.rules``."""
    if not people_access(request.user).edit:
        return denied(request)
    participant = _person(request, pk)
    form = RoleForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        participant.role = form.cleaned_data["role"]
        participant.body = form.cleaned_data["body"]
        try:
            services.participant_save(actor=request.user, participant=participant)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(person)sの役割を保存しました。委員長と事務局にメールでお知らせします。")
                % {"person": participant},
            )
            return redirect("people:list")
    return render(
        request, "people/person_role.html", {"form": form, "person": _person(request, pk)}
    )


def person_handover(request: HttpRequest, pk: int) -> HttpResponse:
    """人事異動: the 実施主体's work passes to the successor in one step (``staff_handover``)."""
    if not people_access(request.user).edit:
        return denied(request)
    predecessor = _person(request, pk)
    form = HandoverForm(request.POST or None, initial={"effective_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.staff_handover(
                actor=request.user, predecessor=predecessor, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(body)sの担当を%(old)sさんから%(new)sさんに引き継ぎました（発令日 %(date)s）。")
                % {
                    "body": handover.body.short_name,
                    "old": display_name(handover.predecessor),
                    "new": display_name(handover.successor),
                    "date": date_format(handover.effective_on, "Y年n月j日"),
                },
            )
            return redirect("people:list")
    return render(request, "people/person_handover.html", {"form": form, "person": predecessor})


@require_safe
def seat_list(request: HttpRequest) -> HttpResponse:
    """委員の任期: every seat, newest 任期 first, with its 区分 and office."""
    if not people_access(request.user).view:
        return denied(request)
    seats = (
        Seat.objects.select_related("user", "plan")
        .filter(plan__in=plans_managed_by(request.user))
        .order_by("-starts_on", "category", "pk")
    )
    acting = ActingChair.objects.select_related("user", "in_place_of", "recorded_by")
    return render(request, "people/seat_list.html", {"seats": seats, "acting": acting})


def acting_chair_create(request: HttpRequest) -> HttpResponse:
    """職務代理 recorded by the 事務局 (``services.acting_chair_record``)."""
    if not people_access(request.user).edit:
        return denied(request)
    form = ActingChairForm(request.POST or None, instance=ActingChair())
    if request.method == "POST" and form.is_valid():
        try:
            services.acting_chair_record(actor=request.user, acting=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("職務代理を記録しました: %(acting)s。委員長と事務局にメールでお知らせします。")
                % {"acting": form.instance},
            )
            return redirect("people:seats")
    return render(request, "people/acting_chair_form.html", {"form": form})


def seat_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new seat, or a change of one (an office, a member leaving mid-term)."""
    if not people_access(request.user).edit:
        return denied(request)
    plans = plans_managed_by(request.user)
    seat = get_object_or_404(Seat, pk=pk, plan__in=plans) if pk is not None else Seat()
    form = SeatForm(request.POST or None, instance=seat, plans=plans)
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_save(actor=request.user, seat=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(seat)sを保存しました。委員長と事務局にメールでお知らせします。")
                % {"seat": form.instance},
            )
            return redirect("people:seats")
    return render(request, "people/seat_form.html", {"form": form, "seat": seat})


@require_POST
def person_send_link(request: HttpRequest, pk: int) -> HttpResponse:
    if not people_access(request.user).edit:
        return denied(request)
    participant = _person(request, pk)
    try:
        services.person_send_link(actor=request.user, participant=participant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)sさんにパスワード設定のメールを送りました（%(email)s）。")
            % {"name": display_name(participant.user), "email": participant.user.email},
        )
    return redirect("people:list")


@require_POST
def person_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    if not people_access(request.user).edit:
        return denied(request)
    participant = _person(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.person_set_active(actor=request.user, participant=participant, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = _("利用を再開しました") if active else _("利用を停止しました")
        messages.success(request, f"{display_name(participant.user)}さんの{done}。")
    return redirect("people:list")


# --- the one-time links ------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """「パスワードを忘れた場合」: Django's view, whose page says the same whether or not the
    address is known. Limited per address and per client address in the shared cache, so
    it can neither flood someone's mailbox nor probe addresses fast."""

    form_class = ResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("people:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        window = settings.PASSWORD_RESET_LIMIT_WINDOW_MINUTES * 60
        if over_limit(
            "reset-ip:" + client_address(self.request),
            limit=settings.PASSWORD_RESET_LIMIT_PER_CLIENT,
            window_seconds=window,
        ):
            form.add_error(
                None,
                _(
                    "短い時間に何度も送信されました。%(minutes)d分ほど時間をおいてから、"
                    "もう一度お試しください。"
                )
                % {"minutes": settings.PASSWORD_RESET_LIMIT_WINDOW_MINUTES},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        address = form.cleaned_data["email"].strip().lower()
        if over_limit(
            "reset-address:" + address,
            limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
            window_seconds=window,
        ):
            # The same page as a sent mail: nothing tells whether the address is known.
            return redirect(self.success_url)
        self.extra_email_context = mail_context()
        return super().form_valid(form)


class ActiveOnly(auth_views.PasswordResetConfirmView):
    """A deactivated person's link, however fresh, sets no password."""

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **mail_context()}


class PasswordResetConfirmView(ActiveOnly):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("people:password_reset_complete")


class WelcomeView(ActiveOnly):
    """The invitation's link: choose a password, then land logged in on やること."""

    template_name = "people/welcome.html"
    token_generator = invitation_tokens
    post_reset_login = True
    # django-axes' backend needs the login request; the password was just set, so the
    # plain backend logs the person in.
    post_reset_login_backend = "people.backends.CaseInsensitiveModelBackend"
    reset_url_token = "set-password"
    success_url = reverse_lazy("evaluation:todo")
