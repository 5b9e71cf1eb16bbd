"""Forms for 参考指標 and their yearly values. They only validate; saving goes through
``services.record_save`` with the version the user started from (hidden field)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.models import Indicator, IndicatorValue


class VersionedForm(forms.ModelForm):
    """A model form carrying the record's version, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("保存")))


class IndicatorForm(VersionedForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "source", "higher_is_better", "order"]

    def clean_name(self) -> str:
        # The plan is not a form field, so the model's unique check would skip it.
        name = self.cleaned_data["name"]
        same = Indicator.objects.filter(plan_id=self.instance.plan_id, name=name)
        if same.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("同じ名前の参考指標がすでにあります。"))
        return name


class IndicatorValueForm(VersionedForm):
    class Meta:
        model = IndicatorValue
        fields = ["actual", "target"]
