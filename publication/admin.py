"""Editions in the admin: to read, never to change (``Edition`` refuses it anyway)."""

from django.contrib import admin

from publication.models import Edition, EditionFile


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EditionFileInline(admin.TabularInline):
    model = EditionFile
    readonly_fields = ("name", "path", "content_type", "size", "sha256", "public")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Edition)
class EditionAdmin(ReadOnly):
    list_display = ["__str__", "plan_code", "fiscal_year", "number", "built_at", "published_at"]
    list_filter = ["plan_code", "fiscal_year"]
    fields = ["cycle", "number", "plan_code", "fiscal_year", "built_at", "built_by", "published_at"]
    inlines = [EditionFileInline]


@admin.register(EditionFile)
class EditionFileAdmin(ReadOnly):
    list_display = ["name", "edition", "size", "sha256"]
    list_select_related = ["edition"]
    fields = ["edition", "name", "path", "content_type", "disposition", "size", "sha256", "public"]
