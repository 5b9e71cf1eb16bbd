"""The admin of people follows the same rules as the people page: its form asks
``people.rules`` (so a refusal shows as a form error with what was chosen kept) and its save
goes through ``people.services.participant_save`` (history and mail). The 事務局 group's
``change_participant`` permission therefore cannot make anyone 事務局, nor its holder 委員長."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from people.models import Participant
from people.rules import role_change_refusal
from people.services import participant_save


class ParticipantAdminForm(forms.ModelForm):
    actor: Any = None  # the admin user, set by ParticipantAdmin.get_form

    class Meta:
        model = Participant
        fields = ["user", "role", "body", "plans"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        user = cleaned.get("user") or getattr(self.instance, "user", None)
        old_role = (
            Participant.objects.filter(pk=self.instance.pk).values_list("role", flat=True).first()
            if self.instance.pk
            else ""
        )
        if "role" in cleaned and (
            reason := role_change_refusal(
                actor=self.actor,
                target_user_id=user.pk if user else None,
                old_role=old_role or "",
                new_role=cleaned["role"],
            )
        ):
            raise forms.ValidationError(reason)
        return cleaned


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    form = ParticipantAdminForm
    list_display = ["user", "role", "body"]
    list_filter = ["role", "body", "plans"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
    autocomplete_fields = ["user"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A role belongs to one person: giving it to someone else is a new role, announced.
        # Which plans a person takes part in is set by administrators (the 事務局 invites into
        # its own plans on the people page), so no 事務局 joins another plan here.
        fixed = ["user"] if obj is not None else []
        return fixed if request.user.is_superuser else [*fixed, "plans"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Taking a role away is a deactivation on the people page (records stay attributed);
        # only an administrator deletes a role, and never their own.
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return bool(request.user.is_superuser) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Participant, form: Any, change: bool) -> None:
        participant_save(actor=request.user, participant=obj)
