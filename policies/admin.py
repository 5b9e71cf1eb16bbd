from django.contrib import admin

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
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "first_year", "last_year", "predecessor", "rating_scale"]
    list_filter = ["rating_scale"]
    search_fields = ["name", "short_name", "code", "goal"]
    inlines = [DirectionInline]


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "title"]
    list_filter = ["plan"]
    search_fields = ["title"]


@admin.register(BasicPolicy)
class BasicPolicyAdmin(admin.ModelAdmin):
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
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "is_priority", "basic_policy", "predecessor"]
    list_display_links = ["number", "title"]
    list_filter = ["basic_policy__plan", "is_priority", "basic_policy"]
    list_select_related = ["basic_policy__plan", "predecessor"]
    search_fields = ["number", "title", "description"]
    autocomplete_fields = ["predecessor"]
    inlines = [InitiativeInline]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
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
