from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0003_copy_measure_predecessors"),
    ]

    operations = [
        migrations.RemoveField(model_name="measure", name="predecessor"),
        migrations.AlterField(
            model_name="measure",
            name="predecessors",
            field=models.ManyToManyField(
                blank=True,
                help_text="前の計画（改定前の計画）で対応する施策。複数指定できます。年度をまたいで評価を比較するために使います。",
                related_name="successors",
                to="policies.measure",
                verbose_name="前の計画の施策",
            ),
        ),
    ]
