from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    Indicator,
    IndicatorValue,
    MemberEvaluation,
    Participant,
    Project,
    ProjectReport,
    SelfEvaluation,
)


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "body"]
    list_filter = ["role", "body"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
    autocomplete_fields = ["user"]


@admin.register(Cycle)
class CycleAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "fiscal_year", "phase", "entry_due", "committee_due"]
    list_filter = ["plan", "phase"]
    # Phases move only through the cycle page, so every move is checked and recorded.
    readonly_fields = ["phase"]


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "body", "department", "first_year", "last_year"]
    list_filter = ["plan", "body"]
    search_fields = ["code", "name", "department"]
    filter_horizontal = ["initiatives"]


@admin.register(ProjectReport)
class ProjectReportAdmin(SimpleHistoryAdmin):
    list_display = ["project", "cycle", "status", "times", "participants"]
    list_filter = ["cycle", "status", "project__body"]
    search_fields = ["project__name", "activities"]


@admin.register(SelfEvaluation)
class SelfEvaluationAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "body", "cycle", "rating"]
    list_filter = ["cycle", "body"]


@admin.register(MemberEvaluation)
class MemberEvaluationAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "member", "cycle", "rating"]
    list_filter = ["cycle"]


@admin.register(CommitteeEvaluation)
class CommitteeEvaluationAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "cycle", "rating", "confirmed_at"]
    list_filter = ["cycle"]


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "unit", "higher_is_better", "order"]
    list_filter = ["plan"]
    search_fields = ["name", "source"]
    inlines = [IndicatorValueInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "fiscal_year", "actual", "target"]
    list_filter = ["indicator__plan", "fiscal_year"]
