"""The people page's forms: they validate and normalise; the writes are ``people.services``."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from people.models import ActingChair, Office, Participant, Role, Seat
from policies.form_messages import NamedRequired
from policies.models import ImplementingBody, Plan


class RoleFields(NamedRequired, forms.Form):
    role = forms.ChoiceField(label=_("役割"), choices=Role.choices)
    body = forms.ModelChoiceField(
        label=_("所属する実施主体"),
        queryset=ImplementingBody.objects.all(),
        required=False,
        help_text=_("実施主体担当のときだけ選びます。"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role, body = cleaned.get("role"), cleaned.get("body")
        if role == Role.STAFF and body is None:
            self.add_error("body", _("実施主体担当には、所属する実施主体を選んでください。"))
        if role and role != Role.STAFF and body is not None:
            self.add_error("body", _("所属する実施主体を選べるのは、実施主体担当だけです。"))
        return cleaned


class InviteForm(RoleFields):
    name = forms.CharField(label=_("氏名"), max_length=150)
    email = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        help_text=_("ログインのユーザー名にもなります。招待のメールをこのアドレスに送ります。"),
    )
    plans = forms.ModelMultipleChoiceField(
        label=_("参加する計画"),
        queryset=Plan.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("この人が役割を持つ計画です。ほかの計画の内部のページは見られません。"),
    )
    field_order = ["name", "email", "plans", "role", "body"]

    def __init__(self, *args: Any, plans: "QuerySet[Plan]", **kwargs: Any) -> None:
        """``plans``: the plans the inviting 事務局 manages; the newest is preselected."""
        super().__init__(*args, **kwargs)
        field = self.fields["plans"]
        field.queryset = plans.order_by("-first_year", "pk")  # type: ignore[attr-defined]
        newest = field.queryset.first()  # type: ignore[attr-defined]
        field.initial = [newest.pk] if newest is not None else []

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        users = get_user_model().objects
        if users.filter(username__iexact=email).exists() or users.filter(email__iexact=email):
            raise forms.ValidationError(
                _(
                    "このメールアドレスの人はすでに登録されています。"
                    "一覧から「パスワード設定のメールを送る」を使ってください。"
                )
            )
        return email


class RoleForm(RoleFields):
    """A person's role or 実施主体 changed (a new seat, 人事異動 to another body)."""

    def __init__(self, *args: Any, participant: Participant, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"role": participant.role, "body": participant.body_id})
        super().__init__(*args, **kwargs)
        self.participant = participant

    def clean_role(self) -> str:
        """委員長 is the office of a seat once the person has one: the role follows the seat
        (``services.seat_save``), so there is one source of truth."""
        role = self.cleaned_data["role"]
        committee = {Role.MEMBER, Role.CHAIR}
        if {role, self.participant.role} == committee and Seat.objects.filter(
            user_id=self.participant.user_id
        ).exists():
            raise forms.ValidationError(
                _(
                    "この人の委員長・委員は、委員の任期の役職で決まります。"
                    "「委員の任期」で役職を変更してください（役割も合わせて変わります）。"
                )
            )
        return role


class HandoverForm(NamedRequired, forms.Form):
    """人事異動: who takes over the 実施主体's work, and from when."""

    name = forms.CharField(label=_("後任者の氏名"), max_length=150)
    email = forms.EmailField(
        label=_("後任者のメールアドレス"),
        max_length=254,
        help_text=_(
            "登録済みのアドレスならその人が引き継ぎます。まだ登録されていなければ招待のメールを送ります。"
        ),
    )
    effective_on = forms.DateField(
        label=_("発令日"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class SeatForm(NamedRequired, forms.ModelForm):
    """A member's 任期 (from–to), 区分 and office. Only committee accounts are offered."""

    class Meta:
        model = Seat
        fields = ["plan", "user", "category", "office", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, plans: "QuerySet[Plan]", **kwargs: Any) -> None:
        """``plans``: the plans whose committee the 事務局 manages (and their members)."""
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans.order_by("-first_year", "pk")  # type: ignore[attr-defined]
        if not self.instance.plan_id:
            self.fields["plan"].initial = self.fields["plan"].queryset.first()  # type: ignore[attr-defined]
        users = (
            get_user_model()
            .objects.filter(
                participant__role__in=[Role.MEMBER, Role.CHAIR], participant__plans__in=plans
            )
            .distinct()
            .order_by("last_name", "pk")
        )
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


class ActingChairForm(NamedRequired, forms.ModelForm):
    """職務代理: which 副委員長 acts for which 委員長, for a year or a date range."""

    class Meta:
        model = ActingChair
        fields = ["user", "in_place_of", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.order_by("last_name", "pk")
        vice = users.filter(seats__office=Office.VICE_CHAIR).distinct()
        self.fields["user"].queryset = vice  # type: ignore[attr-defined]
        self.fields["in_place_of"].queryset = users.filter(participant__role=Role.CHAIR)  # type: ignore[attr-defined]
        for name in ("user", "in_place_of"):
            self.fields[name].label_from_instance = _name  # type: ignore[attr-defined]


class LoginForm(NamedRequired, AuthenticationForm):
    """Django's login form, its required messages naming the field."""


class ResetForm(NamedRequired, PasswordResetForm):
    """Django's 「パスワードを忘れた場合」 form, its required message naming the field."""
