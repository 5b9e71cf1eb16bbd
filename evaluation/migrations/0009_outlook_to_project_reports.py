"""今後の方向性 moves from the 施策 × 実施主体 自己評価 to each 事業's 実施状況.

For each 自己評価 with a 今後の方向性, the value goes onto the 実施状況 of the same year of
every 事業 of that 実施主体 under that 施策 (serving one of its 展開, or the original of one
of its 再掲 展開) that has no 今後の方向性 yet.

Ambiguous cases: a 事業 serving several 施策 whose 自己評価 say different things takes the
value of the first of those 施策 in plan order (基本施策 number, then 施策 order). Nothing is
dropped: a 自己評価 whose value did not land on every one of its 事業 (because such a
conflict gave them another value, or because the body had no 実施状況 under the 施策 that
year) keeps it as a line appended to its 課題: 「（移行前の施策全体の今後の方向性：継続）」.

Backwards: each 自己評価 gets back the value found on its 事業 most often (ties: the
first in plan order), else the noted value, else 継続.
"""

from collections import Counter, defaultdict

from django.db import migrations

LABELS = {
    "expand": "拡充",
    "continue": "継続",
    "improve": "改善して継続",
    "reduce": "縮小",
    "end": "終了",
    "complete": "完了",
}
NOTE = "（移行前の施策全体の今後の方向性：{}）"


def _reports_under(apps):
    """(cycle, body, measure) → [report ids], in plan order of the 施策."""
    ProjectReport = apps.get_model("evaluation", "ProjectReport")
    Initiative = apps.get_model("policies", "Initiative")
    Link = apps.get_model("evaluation", "Project").initiatives.through
    measures_of_source = defaultdict(set)  # initiative id → measures it is listed under
    for item in Initiative.objects.values("pk", "original_id", "measure_id"):
        measures_of_source[item["original_id"] or item["pk"]].add(item["measure_id"])
    measures_of_project = defaultdict(set)
    for link in Link.objects.values("project_id", "initiative_id"):
        measures_of_project[link["project_id"]] |= measures_of_source[link["initiative_id"]]
    under = defaultdict(list)
    for report in ProjectReport.objects.values("pk", "cycle_id", "project_id", "project__body_id"):
        for measure_id in measures_of_project[report["project_id"]]:
            under[(report["cycle_id"], report["project__body_id"], measure_id)].append(
                report["pk"]
            )
    return under


def _plan_order(apps):
    Measure = apps.get_model("policies", "Measure")
    return {
        pk: n
        for n, pk in enumerate(
            Measure.objects.order_by("basic_policy__number", "order", "pk").values_list(
                "pk", flat=True
            )
        )
    }


def forwards(apps, schema_editor):
    ProjectReport = apps.get_model("evaluation", "ProjectReport")
    SelfEvaluation = apps.get_model("evaluation", "SelfEvaluation")
    under = _reports_under(apps)
    order = _plan_order(apps)
    evaluations = sorted(
        SelfEvaluation.objects.exclude(outlook="").values(
            "pk", "cycle_id", "body_id", "measure_id", "outlook"
        ),
        key=lambda e: (order.get(e["measure_id"], 0), e["pk"]),
    )
    current = dict(ProjectReport.objects.values_list("pk", "direction"))
    given = {}  # report id → value set by this migration (the first 施策 in plan order wins)
    for evaluation in evaluations:
        for report_id in under[(evaluation["cycle_id"], evaluation["body_id"], evaluation["measure_id"])]:
            if not current[report_id] and report_id not in given:
                given[report_id] = evaluation["outlook"]
    for report_id, value in given.items():
        ProjectReport.objects.filter(pk=report_id).update(direction=value)
    landed = {**current, **given}
    for evaluation in evaluations:
        reports = under[(evaluation["cycle_id"], evaluation["body_id"], evaluation["measure_id"])]
        if reports and all(landed[r] == evaluation["outlook"] for r in reports):
            continue
        record = SelfEvaluation.objects.get(pk=evaluation["pk"])
        note = NOTE.format(LABELS.get(evaluation["outlook"], evaluation["outlook"]))
        record.issues = f"{record.issues}\n{note}" if record.issues else note
        record.save(update_fields=["issues"])


def backwards(apps, schema_editor):
    ProjectReport = apps.get_model("evaluation", "ProjectReport")
    SelfEvaluation = apps.get_model("evaluation", "SelfEvaluation")
    under = _reports_under(apps)
    direction = dict(ProjectReport.objects.values_list("pk", "direction"))
    notes = {NOTE.format(label): value for value, label in LABELS.items()}
    for record in SelfEvaluation.objects.all():
        lines = record.issues.split("\n")
        noted = [notes[line] for line in lines if line in notes]
        if noted:
            record.issues = "\n".join(line for line in lines if line not in notes)
        found = Counter(
            direction[r]
            for r in under[(record.cycle_id, record.body_id, record.measure_id)]
            if direction[r]
        )
        record.outlook = (
            noted[0] if noted else found.most_common(1)[0][0] if found else "continue"
        )
        record.save(update_fields=["issues", "outlook"])


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0008_report_goal_direction_indicators"),
        ("policies", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
