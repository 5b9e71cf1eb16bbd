"""Copy every 自己評価's 「前年度の委員会意見への対応」 text into a follow-up item of the same
year, 施策 and 実施主体, answering last year's confirmed committee opinion of that 施策 (the
same 施策, or its predecessor across the revision) where there is one. Nothing is lost:
the text stays on the 自己評価 too, and an item is made even without an opinion to link.
The status is 対応中: the text says something was done, not that it is closed."""

from django.db import migrations


def forward(apps, schema_editor):
    SelfEvaluation = apps.get_model("evaluation", "SelfEvaluation")
    CommitteeEvaluation = apps.get_model("evaluation", "CommitteeEvaluation")
    Cycle = apps.get_model("evaluation", "Cycle")
    FollowUp = apps.get_model("evaluation", "FollowUp")
    for evaluation in (
        SelfEvaluation.objects.exclude(response_to_committee="")
        .select_related("cycle__plan", "measure")
        .order_by("pk")
    ):
        cycle, measure = evaluation.cycle, evaluation.measure
        year = cycle.fiscal_year - 1
        previous = Cycle.objects.filter(plan_id=cycle.plan_id, fiscal_year=year).first()
        previous_measure_id = measure.pk
        # The first of the 施策's predecessors, in the same order as Measure.in_lineage_order.
        first_predecessor = measure.predecessors.order_by(
            "basic_policy__number", "order", "pk"
        ).first()
        if previous is None and cycle.plan.predecessor_id and first_predecessor:
            previous = Cycle.objects.filter(
                plan_id=cycle.plan.predecessor_id, fiscal_year=year
            ).first()
            previous_measure_id = first_predecessor.pk
        opinion = (
            CommitteeEvaluation.objects.filter(
                cycle=previous, measure_id=previous_measure_id, confirmed_at__isnull=False
            ).first()
            if previous
            else None
        )
        item, created = FollowUp.objects.get_or_create(
            cycle_id=cycle.pk,
            measure_id=measure.pk,
            body_id=evaluation.body_id,
            opinion=opinion,
            defaults={"policy": evaluation.response_to_committee, "status": "in_progress",
                      "version": 1},
        )
        if not created and evaluation.response_to_committee not in item.policy:
            item.policy = "\n".join(filter(None, [item.policy, evaluation.response_to_committee]))
            item.save()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0005_follow_ups_of_committee_opinions"),
        ("policies", "0004_remove_measure_predecessor"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
