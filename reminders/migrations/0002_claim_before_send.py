from django.db import migrations, models
from django.db.models import F


def claimed_when_sent(apps, schema_editor):
    """Rows written before claims existed were written once sent: claimed at that moment."""
    apps.get_model("reminders", "SentReminder").objects.update(claimed_at=F("sent_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_reminder_preferences_and_sent_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="sentreminder",
            name="claimed_at",
            field=models.DateTimeField(null=True, verbose_name="送信を始めた日時"),
        ),
        migrations.AddField(
            model_name="sentreminder",
            name="claimed_by",
            field=models.CharField(default="", max_length=100, verbose_name="送信したプロセス"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="sentreminder",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="送信日時"),
        ),
        migrations.RunPython(claimed_when_sent, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="sentreminder",
            name="claimed_at",
            field=models.DateTimeField(verbose_name="送信を始めた日時"),
        ),
        migrations.AlterModelOptions(
            name="sentreminder",
            options={
                "ordering": ["-claimed_at", "pk"],
                "verbose_name": "送信記録",
                "verbose_name_plural": "送信記録",
            },
        ),
    ]
