# The seat's plan is required once every seat has one (0005): a separate migration, as
# PostgreSQL does not alter a table with the data migration's constraint checks pending.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_plans"),
    ]

    operations = [
        migrations.AlterField(
            model_name="seat",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="seats",
                to="policies.plan",
                verbose_name="計画",
            ),
        ),
        ]
