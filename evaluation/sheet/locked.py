"""A locked year's 事業, frozen: what its 評価表 printed never changes afterwards.

A 事業 is shared by every year it runs in, and its staff may edit its name, 担当課,
展開 or years while a later year is open. Refusing those edits once a locked year uses
the 事業 would block legitimate changes for the years to come, so instead the fields the
評価表 prints are copied per locked year (``LockedProject``) when the year moves to 確定,
and the 評価表 of a locked year reads the copy. The 実施状況, 自己評価 and 委員会評価 of
a locked year are already read-only, so with the copy the whole printed year is fixed.
"""

from django.db import transaction

from evaluation.models import Cycle, LockedProject, LockedSheet, Project
from policies.models import ImplementingBody


def _live_projects(cycle: Cycle):
    return (
        Project.objects.of_plan(cycle.plan)
        .active_in(cycle.fiscal_year)
        .select_related("body")
        .prefetch_related("initiatives")
        .order_by("body__order", "code")
    )


@transaction.atomic
def freeze(cycle: Cycle) -> LockedSheet:
    """Copy the year's 事業 as they print now (once: an existing copy is kept)."""
    sheet, created = LockedSheet.objects.get_or_create(cycle=cycle)
    if created:
        LockedProject.objects.bulk_create(
            LockedProject(
                sheet=sheet,
                project=project,
                code=project.code,
                name=project.name,
                body=project.body,
                department=project.department,
                summary=project.summary,
                initiative_ids=sorted(i.pk for i in project.initiatives.all()),
                position=n,
            )
            for n, project in enumerate(_live_projects(cycle))
        )
    return sheet


def unfreeze(cycle: Cycle) -> None:
    """The year is open again (moved back to 委員会評価): its 事業 follow the live ones."""
    LockedSheet.objects.filter(cycle=cycle).delete()


def frozen_projects(
    cycle: Cycle, bodies: dict[int, ImplementingBody]
) -> tuple[dict[int, Project], list[tuple[int, int]]]:
    """The locked year's 事業 (unsaved ``Project`` objects carrying the printed fields, by
    id, in print order) and its (展開 id, 事業 id) links; one query. A year locked before
    copies were taken is frozen on this first read."""
    rows = list(LockedProject.objects.filter(sheet__cycle=cycle).order_by("position"))
    if not rows and not LockedSheet.objects.filter(cycle=cycle).exists():
        freeze(cycle)
        rows = list(LockedProject.objects.filter(sheet__cycle=cycle).order_by("position"))
    projects: dict[int, Project] = {}
    links: list[tuple[int, int]] = []
    for row in rows:
        projects[row.project_id] = Project(
            pk=row.project_id,
            code=row.code,
            name=row.name,
            plan_id=cycle.plan_id,
            body=bodies[row.body_id],
            department=row.department,
            summary=row.summary,
            first_year=cycle.fiscal_year,
        )
        links.extend((initiative_id, row.project_id) for initiative_id in row.initiative_ids)
    return projects, links
