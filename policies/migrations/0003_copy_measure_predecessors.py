# Copies every existing ``Measure.predecessor`` link into ``predecessors`` (and back, when
# migrating backwards: the first predecessor by number, the only one the FK can hold).

from django.db import migrations


def forwards(apps, schema_editor):
    Measure = apps.get_model("policies", "Measure")
    Link = Measure.predecessors.through
    Link.objects.bulk_create(
        Link(from_measure_id=m.pk, to_measure_id=m.predecessor_id)
        for m in Measure.objects.exclude(predecessor=None).only("pk", "predecessor_id")
    )


def backwards(apps, schema_editor):
    Measure = apps.get_model("policies", "Measure")
    for measure in Measure.objects.prefetch_related("predecessors"):
        first = min(measure.predecessors.all(), key=lambda m: (m.order, m.pk), default=None)
        if first is not None:
            measure.predecessor_id = first.pk
            measure.save(update_fields=["predecessor"])


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0002_measure_predecessors_many_to_many"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
