"""The Django admin of the plan's structure and the rating scales; and the rule every admin
of the project follows for a record that may no longer change (``LockedRecordAdmin``)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
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


class LockedRecordForm(forms.ModelForm):
    """Refuses, with the reason as a form error, a record that would be locked as filled in:
    a 参考指標 value added for a locked year, a level added to a scale in use, a record
    put into a locked year's cycle."""

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # Django's private hook; the instance now carries the form's values
        if reason := self.instance.lock_reason():
            self.add_error(None, reason)


class LockedRecordAdmin(admin.ModelAdmin):
    """Read-only, for every user (superusers included), while the record's
    ``lock_reason()`` gives a reason — a cycle of a 確定/公開 year, a scale in use, a
    参考指標 value of a locked year — and the reason is shown in Japanese. A POST to change or
    delete it is refused (403) by the admin's own permission checks; adding one that would be
    locked is refused by the form (``LockedRecordForm``)."""

    form = LockedRecordForm

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.lock_reason():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.lock_reason():
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        if obj is not None and (reason := obj.lock_reason()):
            self.message_user(request, reason, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)


class LockedParentInline(admin.TabularInline):
    """The rows of a locked record (the levels of a scale in use) are locked with it."""

    def _locked(self, obj) -> bool:
        return obj is not None and bool(obj.lock_reason())

    def has_add_permission(self, request, obj=None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class RatingLevelInline(LockedParentInline):
    model = RatingLevel
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(LockedRecordAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    inlines = [RatingLevelInline]


@admin.register(RatingLevel)
class RatingLevelAdmin(LockedRecordAdmin):
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
