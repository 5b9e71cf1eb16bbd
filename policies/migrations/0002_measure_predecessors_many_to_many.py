# A 施策 may continue several 施策 of the previous plan, and one may continue in several:
# the single ``predecessor`` FK becomes the many-to-many ``predecessors``. In three steps
# (add, copy, remove) so that PostgreSQL never alters a table with pending trigger events.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="predecessors",
            # A temporary reverse name: the FK still owns "successors" until 0004.
            field=models.ManyToManyField(
                blank=True, related_name="lineage_successors", to="policies.measure"
            ),
        ),
    ]
