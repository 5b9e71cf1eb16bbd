from django import forms
from django.utils.translation import gettext_lazy as _


class SignInCodeForm(forms.Form):
    code = forms.CharField(
        label=_("確認コード"),
        max_length=20,
        help_text=_(
            "認証アプリに表示されている6桁の数字を入力してください。スマートフォンが手元にない"
            "ときは、設定のときに書き留めた回復コード（8文字）を1つ入力できます。"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class EnrolCodeForm(forms.Form):
    code = forms.CharField(
        label=_("確認コード（6桁）"),
        max_length=10,
        help_text=_("認証アプリに追加すると表示される6桁の数字を入力してください。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
