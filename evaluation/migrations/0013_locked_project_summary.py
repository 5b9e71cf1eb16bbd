"""A locked year's 評価表 prints the 事業概要 too, frozen like the other 事業 fields.

Years locked before this copy existed take the 事業概要 as it is now (the closest to what
they showed: the live value was printed until then); years locked from now on take it
when they move to 確定 (``locked_sheet.freeze``).
"""

from django.db import migrations, models


def copy_live_summaries(apps, schema_editor):
    LockedProject = apps.get_model("evaluation", "LockedProject")
    Project = apps.get_model("evaluation", "Project")
    summaries = dict(Project.objects.exclude(summary="").values_list("pk", "summary"))
    rows = list(LockedProject.objects.filter(project_id__in=list(summaries)))
    for row in rows:
        row.summary = summaries[row.project_id]
    LockedProject.objects.bulk_update(rows, ["summary"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0012_indicator_order_by_report_column"),
    ]

    operations = [
        migrations.AddField(
            model_name="lockedproject",
            name="summary",
            field=models.TextField(blank=True, verbose_name="事業概要"),
        ),
        migrations.RunPython(copy_live_summaries, migrations.RunPython.noop),
    ]
