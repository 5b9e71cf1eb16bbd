"""The one edit flow of every versioned record: show the form, save through
``services.record_save``, turn a concurrent save into a visible conflict, and land where
the person came from.

Where a save lands: the page the form was opened from (``next``, carried by the links
that open forms — ``{% next_here %}`` — and by the form as a hidden field), if it is a
page of this site; else the record's own page. Always with a message naming what was saved.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from evaluation import services
from evaluation.history import changes_of
from evaluation.numbers import plain_number
from people.access import Access, denied, signed_in
from people.models import display_name
from policies.fiscal_years import wareki_date
from policies.versioning import Versioned


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
        elif isinstance(field, models.DecimalField):
            text = plain_number(getattr(record, name))  # 275, not 275.00
        else:
            value = getattr(record, name)
            if isinstance(value, bool):
                text = _("はい") if value else _("いいえ")
            else:
                text = "" if value is None else str(value)
        values.append((form.fields[name].label, text))
    return values


# The value of a 「保存して次へ」 button (name="then"): go on to the form's next record.
THEN_NEXT = "next"


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


def safe_next(request: HttpRequest) -> str:
    """The page to return to after saving, if it is on this site; else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def saved_message(form, saved) -> str:
    """「実施状況「市民活動入門講座 令和3（2021）年度」を保存しました。」 — a form may say it
    better (``saved_message``), e.g. the cycle form echoes how it read a 和暦 year."""
    if hasattr(form, "saved_message"):
        return form.saved_message(saved)
    return _("%(what)s「%(name)s」を保存しました。") % {
        "what": saved._meta.verbose_name,
        "name": saved,
    }


def conflict_notice(record, user) -> tuple[str, str]:
    """Who saved the record the user collided with, and when (from its history): the
    error above the form and the title of the panel with the saved values."""
    last = record.history.select_related("history_user").first() if record.pk else None
    when = (
        f"{wareki_date(last.history_date)} {timezone.localtime(last.history_date):%H:%M}"
        if last
        else ""
    )
    if last is not None and last.history_user_id == user.pk:
        return (
            _(
                "あなたが編集している間に、別のタブまたは別の画面で、あなた自身がこの記録を保存しました（%(when)s）。"
                "下の内容を確認し、必要ならこの画面の入力を直してから、もう一度保存してください。"
            )
            % {"when": when},
            _("別のタブまたは別の画面で、あなた自身が保存した内容（%(when)s）") % {"when": when},
        )
    saver = last.history_user if last is not None else None
    who = display_name(saver) if saver is not None else _("ほかの人")
    return (
        _(
            "あなたが編集している間に、%(who)sさんがこの記録を保存しました（%(when)s）。"
            "下の「%(who)sさんが保存した内容」を確認し、必要ならあなたの入力を直してから、もう一度保存してください。"
        )
        % {"who": who, "when": when},
        _("%(who)sさんが保存した内容（%(when)s）") % {"who": who, "when": when},
    )


def edit_record(
    request: HttpRequest,
    *,
    instance,
    rule: Access,
    form_class,
    template: str,
    context: dict,
    success_url=None,
    form_kwargs: dict | None = None,
    formset_class=None,
) -> HttpResponse:
    """Show or save one versioned record. A concurrent save becomes a visible conflict:
    the form comes back with this user's input intact and the other person's values.

    ``success_url`` is the record's own page (a URL, or a function of the saved record);
    by default the form's own page, which shows the saved record and its history.

    ``formset_class``: an inline formset of child rows edited with the record (the 指標 of
    a 実施状況); saved with it in one transaction, or not at all."""
    if not rule.view:
        return denied(request, rule.reason)
    form_kwargs = form_kwargs or {}
    page = Page(request, template, context, rule, instance, next_url=safe_next(request))
    if request.method != "POST":
        form = form_class(instance=instance, **form_kwargs)
        return page.render(form, _formset(formset_class, instance))
    form = form_class(request.POST, instance=instance, **form_kwargs)
    return _post(page, form, _formset(formset_class, instance, request.POST), success_url)


def _post(page: "Page", form, formset, success_url) -> HttpResponse:
    """A POST of the edit page: refused, invalid, a conflict, or saved and redirected."""
    request, rule, instance = page.request, page.rule, page.instance
    if not rule.edit and not request.user.is_authenticated:
        # The session expired while typing: log in again; the browser keeps the draft
        # (static/evaluation/drafts.js) and puts it back into the form afterwards.
        return redirect_to_login(request.get_full_path())
    if not rule.edit:
        # Refused (the phase moved, the record was confirmed…): the form comes back with
        # what was typed and the reason, so nothing is lost.
        return page.render(form, formset, refused=True)
    if not (form.is_valid() and (formset is None or formset.is_valid())):
        return page.render(form, formset)
    try:
        saved = _save(request, instance, form, formset)
    except services.EditConflict as error:
        conflict, title = _conflict(request, instance, form, formset, error)
        return page.render(form, formset, conflict=conflict, conflict_title=title)
    except ValidationError as error:
        form.add_error(None, error)
        return page.render(form, formset)
    messages.success(request, saved_message(form, saved))
    # 「保存して次へ」 goes on to the form's next record, wherever the form was opened.
    if page.next_url and request.POST.get("then") != THEN_NEXT:
        return redirect(page.next_url)
    if success_url is None:
        return redirect(request.path)
    return redirect(success_url(saved) if callable(success_url) else success_url)


def _save(request: HttpRequest, instance, form, formset):
    """The record and its child rows, in one transaction, through the one save rule."""
    m2m = {
        f.name: form.cleaned_data[f.name]
        for f in instance._meta.many_to_many
        if f.name in form.cleaned_data
    }
    with transaction.atomic():
        saved = services.record_save(
            instance=form.save(commit=False),
            expected_version=form.cleaned_data["version"],
            user=signed_in(request.user),
            m2m=m2m,
        )
        if formset is not None:
            services.children_save(formset=formset, parent=saved, user=signed_in(request.user))
    return saved


def _conflict(request: HttpRequest, instance, form, formset, error: services.EditConflict):
    """The record as the other person saved it, and the panel's title; the form keeps what
    this user typed, with the saved version, so saving again overrides knowingly."""
    conflict = type(instance)._default_manager.filter(pk=error.current.pk).first()
    conflict = conflict or error.current
    data = form.data.copy()
    data["version"] = conflict.version
    form.data = data
    if formset is not None:
        _refresh_versions(formset)
    error_text, conflict_title = conflict_notice(conflict, request.user)
    form.add_error(None, error_text)
    return conflict, conflict_title


@dataclass
class Page:
    """The edit page of one record, drawn the same way whatever happened to the save."""

    request: HttpRequest
    template: str
    context: dict
    rule: Access
    instance: Versioned
    next_url: str

    def render(
        self, form, formset, *, conflict=None, conflict_title: str = "", refused: bool = False
    ) -> HttpResponse:
        rule, instance = self.rule, self.instance
        if not rule.edit and not refused:
            form.disable()  # the child rows are shown as text, not as forms (_record_form.html)
        return render(
            self.request,
            self.template,
            {
                **self.context,
                "form": form,
                "formset": formset,
                "access": rule,
                "conflict": conflict,
                "conflict_title": conflict_title,
                "next": self.next_url,
                "conflict_values": _values(conflict, form) if conflict is not None else [],
                **self._read_only(form, formset),
                "changes": changes_of(instance),
                "refused": refused,
            },
            status=403 if refused else 200,
        )

    def _read_only(self, form, formset) -> dict:
        """A saved record's values and its child rows, shown as text to people who may only
        read. (Not ``formset.get_queryset`` in the template: a template lookup on a formset
        first tries ``formset[name]``, which builds every form.)"""
        if self.rule.edit:
            return {"read_only_values": [], "read_only_children": None}
        return {
            "read_only_values": _values(self.instance, form) if self.instance.pk else [],
            "read_only_children": formset.get_queryset() if formset is not None else None,
        }
