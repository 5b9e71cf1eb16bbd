"""The Django admin, held to the same rules as every other writer: each save goes through
``services.record_save`` (version check and history as the admin user), a form opened
before someone else's save is refused instead of overwriting it, and records of a 確定/公開
year, a confirmed 委員会評価, a cycle of such a year and a 参考指標 value of such a year are
read-only here for every user, with the reason shown (``Versioned.lock_reason``,
``policies.admin.LockedRecordAdmin``)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from evaluation import services
from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    Indicator,
    IndicatorValue,
    MemberEvaluation,
    Project,
    ProjectReport,
    SelfEvaluation,
)
from policies.admin import LockedRecordAdmin, LockedRecordForm

admin.site.site_header = gettext_lazy("市民活動促進基本計画 進捗管理 管理画面")
admin.site.site_title = gettext_lazy("進捗管理 管理画面")
admin.site.index_title = gettext_lazy("管理するデータ")


class VersionedAdminForm(LockedRecordForm):
    """Carries the version the admin user opened, so a later save by anyone else is seen."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version if self.instance.pk else 0

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        opened = cleaned.get("opened_version")
        if self.instance.pk and opened is not None:
            current = type(self.instance)._default_manager.filter(pk=self.instance.pk)
            if current.values_list("version", flat=True).first() != opened:
                raise ValidationError(
                    _(
                        "この画面を開いた後に、ほかの人がこの記録を保存しました。"
                        "入力した内容を控えてから画面を開き直し、最新の内容に反映してください。"
                    )
                )
        return cleaned


class VersionedAdmin(LockedRecordAdmin, SimpleHistoryAdmin):
    form = VersionedAdminForm

    def save_model(self, request, obj, form, change) -> None:
        opened = form.cleaned_data.get("opened_version")
        services.record_save(
            instance=obj,
            expected_version=opened if opened is not None else (obj.version if change else 0),
            user=request.user,
        )


@admin.register(Cycle)
class CycleAdmin(VersionedAdmin):
    list_display = ["plan", "fiscal_year", "phase", "entry_due", "committee_due"]
    list_filter = ["plan", "phase"]
    # Phases move only through the cycle page, so every move is checked and recorded.
    readonly_fields = ["phase"]


@admin.register(Project)
class ProjectAdmin(VersionedAdmin):
    list_display = ["code", "name", "body", "department", "first_year", "last_year"]
    list_filter = ["plan", "body"]
    search_fields = ["code", "name", "department"]
    filter_horizontal = ["initiatives"]


@admin.register(ProjectReport)
class ProjectReportAdmin(VersionedAdmin):
    list_display = ["project", "cycle", "status", "times", "participants"]
    list_filter = ["cycle", "status", "project__body"]
    search_fields = ["project__name", "activities"]


@admin.register(SelfEvaluation)
class SelfEvaluationAdmin(VersionedAdmin):
    list_display = ["measure", "body", "cycle", "rating"]
    list_filter = ["cycle", "body"]


@admin.register(MemberEvaluation)
class MemberEvaluationAdmin(VersionedAdmin):
    list_display = ["measure", "member", "cycle", "rating"]
    list_filter = ["cycle"]


@admin.register(CommitteeEvaluation)
class CommitteeEvaluationAdmin(VersionedAdmin):
    list_display = ["measure", "cycle", "rating", "confirmed_at"]
    list_filter = ["cycle"]
    # Confirming is the chair's act on the review page, never an admin edit.
    readonly_fields = ["confirmed_by", "confirmed_for", "confirmed_at"]


@admin.register(Indicator)
class IndicatorAdmin(VersionedAdmin):
    list_display = ["name", "plan", "unit", "higher_is_better", "order"]
    list_filter = ["plan"]
    search_fields = ["name", "source"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(VersionedAdmin):
    list_display = ["indicator", "fiscal_year", "actual", "target"]
    list_filter = ["indicator__plan", "fiscal_year"]
