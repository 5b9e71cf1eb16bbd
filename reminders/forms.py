from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.forms import VersionedForm
from reminders.models import ReminderPreference


class ReminderPreferenceForm(VersionedForm):
    class Meta:
        model = ReminderPreference
        fields = ["email", "opened", "due_soon", "overdue", "summary", "send_back"]
        help_texts = {
            "summary": gettext_lazy("事務局の方だけに届きます。"),
        }

    def __init__(self, *args, secretariat: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not secretariat:  # only the secretariat receives the summary
            del self.fields["summary"]

    def saved_message(self, saved: ReminderPreference) -> str:
        return _("メールのお知らせの設定を保存しました。")
