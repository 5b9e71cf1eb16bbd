from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from policies.models import (
    BasicPolicy,
    Direction,
    ImplementingBody,
    Initiative,
    Measure,
    Plan,
    RatingLevel,
    RatingScale,
)


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    inlines = [RatingLevelInline]


@admin.register(RatingLevel)
class RatingLevelAdmin(admin.ModelAdmin):
    list_display = ["scale", "order", "code", "label", "points"]
    list_filter = ["scale"]
    search_fields = ["code", "label"]


class DirectionInline(admin.TabularInline):
    model = Direction
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "first_year", "last_year", "predecessor", "rating_scale"]
    list_filter = ["rating_scale"]
    search_fields = ["name", "short_name", "code", "goal"]
    inlines = [DirectionInline]


@admin.register(Direction)
class DirectionAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "number", "title"]
    list_filter = ["plan"]
    search_fields = ["title"]


@admin.register(BasicPolicy)
class BasicPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "number", "title"]
    list_filter = ["plan"]
    search_fields = ["title", "description"]


class InitiativeInline(admin.TabularInline):
    model = Initiative
    fk_name = "measure"
    extra = 0
    fields = ["position", "title", "original"]
    autocomplete_fields = ["original"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "is_priority", "basic_policy", "lineage"]
    list_display_links = ["number", "title"]
    list_filter = ["basic_policy__plan", "is_priority", "basic_policy"]
    list_select_related = ["basic_policy__plan"]
    search_fields = ["number", "title", "description"]
    autocomplete_fields = ["predecessors"]
    inlines = [InitiativeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("predecessors")

    @admin.display(description="前の計画の施策")
    def lineage(self, measure: Measure) -> str:
        return "、".join(m.number for m in measure.predecessors.all())


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "measure", "position", "original"]
    list_filter = ["measure__basic_policy__plan", "measure"]
    list_select_related = ["measure__basic_policy__plan", "original__measure"]
    search_fields = ["title", "description", "measure__number"]
    autocomplete_fields = ["original"]


@admin.register(ImplementingBody)
class ImplementingBodyAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "short_name", "code"]
    list_display_links = ["name"]
    search_fields = ["name", "short_name"]
