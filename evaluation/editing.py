"""The one edit flow of every versioned record: show the form, save through
``services.record_save``, and turn a concurrent save into a visible conflict."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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
            text = "" if value is None else str(value)
        values.append((form.fields[name].label, text))
    return values


CHILDREN = "children"


def _formset(formset_class, instance, data=None):
    """The child rows' formset; None when there is none, or when a POST does not carry its
    rows at all (a client that sends only the record's fields leaves the children alone)."""
    if formset_class is None:
        return None
    if data is not None and f"{CHILDREN}-TOTAL_FORMS" not in data:
        return None
    return formset_class(data, instance=instance, prefix=CHILDREN)


def _refresh_versions(formset) -> None:
    """After a conflict, the child rows' versions become the saved ones (as the parent's
    does), so that saving again overrides knowingly instead of conflicting for ever."""
    data = formset.data.copy()
    current = dict(
        formset.model._default_manager.filter(
            pk__in=[f.instance.pk for f in formset.forms if f.instance.pk]
        ).values_list("pk", "version")
    )
    for form in formset.forms:
        if form.instance.pk in current:
            data[form.add_prefix("version")] = current[form.instance.pk]
        form.data = data
    formset.data = data


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
    formset_class=None,
) -> HttpResponse:
    """Show or save one versioned record. A concurrent save becomes a visible conflict:
    the form comes back with this user's input intact and the other person's values.

    ``formset_class``: an inline formset of child rows edited with the record (the 指標 of
    a 実施状況); saved with it in one transaction, or not at all."""
    if not rule.view:
        return denied(request)
    form_kwargs = form_kwargs or {}
    conflict = None
    if request.method == "POST":
        if not rule.edit:
            raise PermissionDenied(rule.reason)
        form = form_class(request.POST, instance=instance, **form_kwargs)
        formset = _formset(formset_class, instance, request.POST)
        if form.is_valid() and (formset is None or formset.is_valid()):
            try:
                m2m = {
                    f.name: form.cleaned_data[f.name]
                    for f in instance._meta.many_to_many
                    if f.name in form.cleaned_data
                }
                with transaction.atomic():
                    saved = services.record_save(
                        instance=form.save(commit=False),
                        expected_version=form.cleaned_data["version"],
                        user=request.user,
                        m2m=m2m,
                    )
                    if formset is not None:
                        services.children_save(formset=formset, parent=saved, user=request.user)
            except services.EditConflict as error:
                conflict = type(instance)._default_manager.filter(pk=error.current.pk).first()
                conflict = conflict or error.current
                form.data = form.data.copy()
                form.data["version"] = conflict.version  # saving again overrides, knowingly
                if formset is not None:
                    _refresh_versions(formset)
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
        formset = _formset(formset_class, instance)
    if not rule.edit:
        form.disable()
        if formset is not None:
            formset.disable()
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "formset": formset,
            "access": rule,
            "conflict": conflict,
            "conflict_values": _values(conflict, form) if conflict is not None else [],
            "changes": changes_of(instance),
        },
    )
