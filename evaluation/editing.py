"""The one edit flow of every versioned record: show the form, save through
``services.record_save``, and turn a concurrent save into a visible conflict."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from evaluation import services
from evaluation.access import Access, denied
from evaluation.history import changes_of


def _values(record, form) -> list[tuple[str, str]]:
    """The saved record's values of the form's fields, as text, for the conflict panel."""
    values = []
    for name in form._meta.fields:
        if name not in form.fields:
            continue
        field = record._meta.get_field(name)
        if field.many_to_many:
            text = "、".join(str(item) for item in getattr(record, name).all())
        elif field.choices:
            text = getattr(record, f"get_{name}_display")()
        else:
            value = getattr(record, name)
            if isinstance(value, bool):
                text = _("はい") if value else _("いいえ")
            else:
                text = "" if value is None else str(value)
        values.append((form.fields[name].label, text))
    return values


def edit_record(
    request: HttpRequest,
    *,
    instance,
    rule: Access,
    form_class,
    template: str,
    context: dict,
    success_url,
    form_kwargs: dict | None = None,
) -> HttpResponse:
    """Show or save one versioned record. A concurrent save becomes a visible conflict:
    the form comes back with this user's input intact and the other person's values."""
    if not rule.view:
        return denied(request)
    form_kwargs = form_kwargs or {}
    conflict = None
    if request.method == "POST":
        if not rule.edit:
            raise PermissionDenied(rule.reason)
        form = form_class(request.POST, instance=instance, **form_kwargs)
        if form.is_valid():
            try:
                m2m = {
                    f.name: form.cleaned_data[f.name]
                    for f in instance._meta.many_to_many
                    if f.name in form.cleaned_data
                }
                saved = services.record_save(
                    instance=form.save(commit=False),
                    expected_version=form.cleaned_data["version"],
                    user=request.user,
                    m2m=m2m,
                )
            except services.EditConflict as error:
                conflict = error.current
                form.data = form.data.copy()
                form.data["version"] = conflict.version  # saving again overrides, knowingly
                form.add_error(
                    None,
                    _(
                        "あなたが編集している間に、ほかの人がこの記録を保存しました。"
                        "下の「ほかの人が保存した内容」を確認し、必要ならあなたの入力を直してから、もう一度保存してください。"
                    ),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("保存しました。"))
                return redirect(success_url(saved) if callable(success_url) else success_url)
    else:
        form = form_class(instance=instance, **form_kwargs)
    if not rule.edit:
        form.disable()
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "access": rule,
            "conflict": conflict,
            "conflict_values": _values(conflict, form) if conflict is not None else [],
            # Shown as text to people who may only read (a saved record's values).
            "read_only_values": _values(instance, form) if instance.pk and not rule.edit else [],
            "changes": changes_of(instance),
        },
    )
