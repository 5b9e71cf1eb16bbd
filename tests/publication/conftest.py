from datetime import UTC, datetime

import pytest

from evaluation.models import Phase, ProjectIndicator
from tests.factories import (
    CommitteeEvaluationFactory,
    CycleFactory,
    MemberEvaluationFactory,
    ProjectFactory,
    ProjectReportFactory,
    chair,
    level,
    measure,
)

MEMBER_OPINION = "委員個人の意見：講座の周知が足りない。"
DRAFT_OPINION = "事務局の案：まだ確定していない意見。"


@pytest.fixture
def published(db, django_capture_on_commit_callbacks):
    """A 公開 year (令和2年度) with a confirmed 委員会評価 for 1-1, a draft forced in for 1-2
    (as if by a bug), a member's own opinion, and one 事業's 実施状況 with one 指標."""
    with django_capture_on_commit_callbacks(execute=True):  # as if committed
        return _published_year()


def _published_year():
    cycle = CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    confirmer = chair().user
    CommitteeEvaluationFactory(
        cycle=cycle,
        measure=measure("1-1"),
        rating=level("B"),
        opinion="概ね達成。参加の入口は広がった。",
        confirmed_by=confirmer,
        confirmed_at=datetime(2021, 8, 20, 10, 0, tzinfo=UTC),
    )
    CommitteeEvaluationFactory(
        cycle=cycle, measure=measure("1-2"), opinion=DRAFT_OPINION, confirmed_at=None
    )
    MemberEvaluationFactory(cycle=cycle, measure=measure("1-1"), opinion=MEMBER_OPINION)
    project = ProjectFactory(code="city-001", name="市民活動入門講座")
    report = ProjectReportFactory(cycle=cycle, project=project, times=3, participants=45)
    ProjectIndicator.objects.create(
        report=report, kind="outcome", name="受講後に活動を始めた人", unit="人", target=10, actual=8
    )
    return cycle
