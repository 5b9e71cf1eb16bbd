"""Required-field messages that name the field, for every form of the app: 「「実施内容」を入力
してください。」 rather than Django's 「このフィールドは必須です。」, which does not say which
field of a long form is missing."""

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TYPE_IN = _("「%(label)s」を入力してください。")
CHOOSE_ONE = _("「%(label)s」を選んでください。")
TICK = _("「%(label)s」にチェックを入れてください。")
# A hidden or unlabelled field is filled by the page itself: missing, the page was not the
# app's current one.
RESEND = _("必要な値が送られていません。ページを開き直してから、もう一度操作してください。")


def name_required_fields(form: forms.BaseForm) -> None:
    """Give each of ``form``'s fields a required message that names it."""
    for field in form.fields.values():
        message: str | Promise
        if field.label is None or isinstance(field.widget, forms.HiddenInput):
            message = RESEND
        elif isinstance(field, forms.BooleanField):
            message = TICK % {"label": field.label}
        elif isinstance(field, forms.ChoiceField | forms.FileField):
            message = CHOOSE_ONE % {"label": field.label}
        else:
            message = TYPE_IN % {"label": field.label}
        field.error_messages["required"] = message


class NamedRequired:
    """Mixed into a form (before ``forms.Form``): its required messages name the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_required_fields(self)  # type: ignore[arg-type]
