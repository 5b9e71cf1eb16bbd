"""Who may see and change what: one access function per object type, used by every view.

Each returns an ``Access``: whether the user may view the record, may edit it, and, when
not, the reason in words a city employee understands (shown next to a read-only record).
At the end: the one way a view fetches a cycle (and a 施策 in it) through these rules, and
the one way it refuses.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from evaluation.models import (
    LOCKED_PHASES,
    CommitteeEvaluation,
    CommitteeSummary,
    CorrectionState,
    Cycle,
    IndicatorValue,
    MemberEvaluation,
    Phase,
    Project,
)
from evaluation.page_cache import cached
from people.access import DENIED, Access, denied, is_insider, participant_of
from people.access import signed_in as signed_in  # re-exported: views ask every rule here
from people.models import Participant
from policies.models import ImplementingBody, Measure, Plan


def cycle_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """View: insiders always, the public once 公開. Edit (move the phase): the secretariat."""
    if not (cycle.is_published or is_insider(user, cycle.plan_id)):
        return DENIED
    participant = participant_of(user, cycle.plan_id)
    if participant and participant.is_secretariat:
        return Access(view=True, edit=True)
    return Access(view=True, reason=_("段階を進める・戻すのは事務局だけです。"))


def cycle_edit_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """The cycle's year and due dates: edited by the secretariat, except in a 確定/公開 year
    (``Cycle.lock_reason``, which the admin follows too)."""
    base = cycle_access(user, cycle)
    if base.edit and (reason := cycle.lock_reason()):
        return Access(view=True, reason=reason)
    return base


def cycle_scale_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """The year's rating scale: seen by whoever sees the cycle; edited (or another scale
    picked) by the secretariat while the cycle is in 準備 and no rating exists, because a
    rating already given on one scale cannot be re-read on another."""
    base = cycle_access(user, cycle)
    if not base.view:
        return DENIED
    if not base.edit:
        return Access(view=True, reason=_("評価尺度を編集するのは事務局です。"))
    if cycle.phase != Phase.PREPARATION:
        return Access(
            view=True,
            reason=_(
                "評価尺度を編集できるのは「準備」の段階だけです（いまは「%(phase)s」の段階です）。"
            )
            % {"phase": cycle.get_phase_display()},
        )
    if cycle.has_ratings():
        return Access(
            view=True,
            reason=_(
                "この年度はすでに評価が入力されているため、評価尺度は変更できません。"
                "入力済みの評価が別の尺度で読まれてしまうためです。"
            ),
        )
    return Access(view=True, edit=True)


def _phase_reason(cycle: Cycle, needed: str) -> str:
    if cycle.is_locked and cycle.in_correction:
        return _("この年度は訂正中です。訂正中の記録を直せるのは事務局だけです。")
    if cycle.is_locked:
        return _("この年度の評価は確定しているため編集できません。")
    return _("いまは「%(phase)s」の段階なので、「%(needed)s」の記録は編集できません。") % {
        "phase": cycle.get_phase_display(),
        "needed": Phase(needed).label,
    }


def _locked_year_access(user: User | AnonymousUser, cycle: Cycle, needed: str) -> Access:
    """A record of a 確定/公開 year: read-only, except for the 事務局 while a 訂正 is open on
    the year (``Cycle.correctable_by``, the rule ``record_save`` and the admin follow too)."""
    if cycle.correctable_by(user):
        return Access(view=True, edit=True)
    return Access(view=True, reason=_phase_reason(cycle, needed))


def _enters_for(participant: Participant | None, project: Project) -> bool:
    """事業 and 実施状況 are entered by the project's 実施主体, or by the secretariat on a
    body's behalf."""
    return participant is not None and (
        participant.is_secretariat
        or (participant.is_staff_member and participant.body_id == project.body_id)
    )


def _in_entry(plan_id: int) -> bool:
    """事業 are entered and edited while a year of their plan is in 準備 or 実施状況入力:
    a new plan's first year can be set up with its 事業 before entry opens."""
    phases = [Phase.PREPARATION, Phase.ENTRY]
    return Cycle.objects.filter(plan_id=plan_id, phase__in=phases).exists()


def visible_previous(
    user: User | AnonymousUser, cycle: Cycle, measure: Measure
) -> tuple[Cycle, Measure] | None:
    """Last year's cycle and 施策 (``Cycle.previous_for``), only if the user may see that
    year: a published year never shows the public an unpublished one beside it."""
    previous = cycle.previous_for(measure)
    if previous is None or not cycle_access(user, previous[0]).view:
        return None
    return previous


def previous_year_visible(user: User | AnonymousUser, cycle: Cycle) -> bool:
    """Whether the 評価表's 前年度 columns may be shown: the same plan's previous year is
    visible to the user (or there is none, so the columns stay empty)."""
    previous = (
        Cycle.objects.filter(plan_id=cycle.plan_id, fiscal_year=cycle.fiscal_year - 1)
        .only("phase")
        .first()
    )
    return previous is None or cycle_access(user, previous).view


def project_access(user: User | AnonymousUser, project: Project) -> Access:
    """事業: insiders view; staff of its 実施主体 (and the secretariat, who enters on a
    body's behalf) edit while the plan has a cycle in 準備 or 実施状況入力."""
    if not is_insider(user, project.plan_id):
        return DENIED
    if not _enters_for(participant_of(user, project.plan_id), project):
        return Access(view=True, reason=_("この事業を編集できるのは、担当の実施主体と事務局です。"))
    if not _in_entry(project.plan_id):
        return Access(
            view=True,
            reason=_("「準備」か「実施状況入力」の段階の年度がないため、事業は編集できません。"),
        )
    return Access(view=True, edit=True)


def plan_projects_access(user: User | AnonymousUser, plan: Plan) -> Access:
    """The 事業 of a plan (事業一覧) and registering a new one: insiders view; body staff
    (for their own 実施主体) and the secretariat register while the plan has a cycle in
    準備 or 実施状況入力, as for editing a 事業."""
    if not is_insider(user, plan.pk):
        return DENIED
    participant = participant_of(user, plan.pk)
    if not (participant and (participant.is_secretariat or participant.is_staff_member)):
        return Access(view=True, reason=_("事業を登録できるのは、実施主体の担当者と事務局です。"))
    if not _in_entry(plan.pk):
        return Access(
            view=True,
            reason=_("「準備」か「実施状況入力」の段階の年度がないため、事業は登録できません。"),
        )
    return Access(view=True, edit=True)


def report_access(user: User | AnonymousUser, cycle: Cycle, project: Project) -> Access:
    """実施状況: edited by the project's 実施主体 (or the secretariat) in 実施状況入力.

    The record page is for insiders only: it shows the 事業 as it is now (name, body,
    担当課), whatever year it is opened under; the public reads a published year's
    実施状況 on the 評価表 and the 施策 page, which print the 事業 as that year did."""
    if not is_insider(user, cycle.plan_id):
        return DENIED
    if cycle.is_locked:
        return _locked_year_access(user, cycle, Phase.ENTRY)
    if not _enters_for(participant_of(user, cycle.plan_id), project):
        return Access(
            view=True, reason=_("この実施状況を入力できるのは、担当の実施主体と事務局です。")
        )
    if cycle.phase != Phase.ENTRY:
        return Access(view=True, reason=_phase_reason(cycle, Phase.ENTRY))
    if not project.serves(cycle.plan_id) or not project.is_active_in(cycle.fiscal_year):
        return Access(view=True, reason=_("この事業はこの年度の対象ではありません。"))
    return Access(view=True, edit=True)


def self_evaluation_access(
    user: User | AnonymousUser, cycle: Cycle, body: ImplementingBody
) -> Access:
    """自己評価: written by the staff of that 実施主体 only, in 実施状況入力. Record pages
    (with their history of who changed what) are for insiders; the public reads the
    published year's 評価表 and 施策 page."""
    if not is_insider(user, cycle.plan_id):
        return DENIED
    if cycle.is_locked:
        return _locked_year_access(user, cycle, Phase.ENTRY)
    participant = participant_of(user, cycle.plan_id)
    if not (participant and participant.is_staff_member and participant.body_id == body.pk):
        return Access(view=True, reason=_("自己評価を書けるのは、その実施主体の担当者だけです。"))
    if cycle.phase != Phase.ENTRY:
        return Access(view=True, reason=_phase_reason(cycle, Phase.ENTRY))
    return Access(view=True, edit=True)


def member_evaluation_access(
    user: User | AnonymousUser, cycle: Cycle, member: User | AnonymousUser
) -> Access:
    """委員評価: each member edits only their own, in 委員会評価 (insiders only)."""
    if not is_insider(user, cycle.plan_id):
        return DENIED
    participant = participant_of(user, cycle.plan_id)
    if not (participant and participant.is_committee_member and user.pk == member.pk):
        return Access(view=True, reason=_("委員評価は、委員本人だけが入力できます。"))
    if cycle.phase != Phase.COMMITTEE:
        return Access(view=True, reason=_phase_reason(cycle, Phase.COMMITTEE))
    return Access(view=True, edit=True)


def member_scores_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """Other members' 委員評価 (rating and opinion) of a cycle, on every page and export.

    Members score independently: until the cycle reaches 確定, a 委員 sees only their own
    current-year 委員評価; the 事務局 and the 委員長 see them all (they compile and confirm
    the committee's evaluation). From 確定 on, every insider sees them. The public never
    sees individual scores. Body staff are kept out until 確定 as well, so nobody can
    pass a score on to a member while scoring is open.
    """
    if not is_insider(user, cycle.plan_id):
        return DENIED
    participant = participant_of(user, cycle.plan_id)
    if (
        cycle.is_locked
        or user.is_superuser
        or (participant and (participant.is_secretariat or participant.is_chair))
    ):
        return Access(view=True)
    return Access(
        view=False,
        reason=_(
            "委員はそれぞれ独立して評価するため、ほかの委員のこの年度の評価と意見は、"
            "委員長が確定し評価サイクルが「確定」になるまで表示しません。"
        ),
    )


def _scores_unanchored(user: User | AnonymousUser) -> TypeGuard[User]:
    """A 委員 who scores without having read the committee's draft first: every member but
    the 委員長 (who confirms the drafts) and the 事務局 (who writes them)."""
    participant = participant_of(user)
    return bool(
        participant
        and participant.is_committee_member
        and not (participant.is_chair or participant.is_secretariat or user.is_superuser)
    )


def _drafts_wait_for_release(user: User | AnonymousUser) -> bool:
    """Body staff read no draft until the 事務局 releases the drafts to the committee (or
    the year is 確定): a draft they read could reach a member who has not scored yet, as
    their view of the members' scores is closed for the same reason
    (``member_scores_access``)."""
    participant = participant_of(user)
    return bool(participant and participant.is_staff_member and not user.is_superuser)


def committee_drafts_seen_by(user: User | AnonymousUser) -> Q:
    """Which 委員会評価 (drafts and confirmed ones alike) the user may read, as a filter on
    ``CommitteeEvaluation``: every page and file that shows one applies it.

    A member scores unanchored: the committee's evaluation of a 施策 waits until their own
    委員評価 of it is saved, or the 事務局 releases the drafts to the committee
    (``Cycle.drafts_released_at``, e.g. for the meeting), or the year is 確定. Body staff
    wait for the release or 確定. Everyone else sees what
    ``CommitteeEvaluation.objects.shown`` shows."""
    released = Q(cycle__phase__in=LOCKED_PHASES) | Q(cycle__drafts_released_at__isnull=False)
    if _drafts_wait_for_release(user):
        return released
    if not _scores_unanchored(user):
        return Q()
    return released | Exists(  # type: ignore[return-value]  # Q | Exists is a Q; the stubs know Q | Q only
        MemberEvaluation.objects.filter(
            cycle=OuterRef("cycle"), measure=OuterRef("measure"), member=user
        )
    )


def committee_draft_access(user: User | AnonymousUser, cycle: Cycle, measure_id: int) -> Access:
    """The same rule as ``committee_drafts_seen_by`` for one 施策 (its drafting page)."""
    released = cycle.is_locked or cycle.drafts_released_at is not None
    if released or not (_scores_unanchored(user) or _drafts_wait_for_release(user)):
        return Access(view=True)
    if _drafts_wait_for_release(user):
        return Access(
            view=False,
            reason=_(
                "委員がそれぞれ案に左右されずに評価するため、委員会評価の案は、"
                "事務局が案を委員に公開するまで表示しません。"
            ),
        )
    if (
        user.is_authenticated  # always so here: only a member scores unanchored
        and MemberEvaluation.objects.filter(
            cycle=cycle, measure_id=measure_id, member=user
        ).exists()
    ):
        return Access(view=True)
    return Access(
        view=False,
        reason=_(
            "委員はそれぞれ案に左右されずに評価するため、この施策の委員会評価の案は、"
            "あなたの評価を保存するか、事務局が案を委員に公開するまで表示しません。"
        ),
    )


def drafts_audience(user: User | AnonymousUser) -> str:
    """The part of a cached page's key that says which drafts it shows: a member who scores
    unanchored sees drafts of their own 施策 only, so their pages are cached apart; body
    staff see them only once released."""
    if _scores_unanchored(user):
        return f"unanchored:{user.pk}"
    return "staff" if _drafts_wait_for_release(user) else ""


def drafts_release_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """Releasing the drafts to the committee: the 事務局, in 委員会評価, once."""
    participant = participant_of(user, cycle.plan_id)
    if not (participant and participant.is_secretariat):
        return Access(view=False, reason=_("委員会評価の案を委員に公開するのは事務局です。"))
    if cycle.phase != Phase.COMMITTEE:
        return Access(view=False, reason=_phase_reason(cycle, Phase.COMMITTEE))
    if cycle.drafts_released_at is not None:
        return Access(view=True, reason=_("委員会評価の案は、すでに委員に公開しています。"))
    return Access(view=True, edit=True)


def committee_summary_access(
    user: User | AnonymousUser, cycle: Cycle, summary: CommitteeSummary | None
) -> Access:
    """総評: the 事務局 writes it in 委員会評価, the 委員長 confirms it with the drafts. It is
    read like the drafts: a 委員 and body staff once the drafts are released to the
    committee or the year is 確定 (it sums up the committee's view of every 施策)."""
    if not is_insider(user, cycle.plan_id):
        return DENIED
    if cycle.is_locked:
        return _locked_year_access(user, cycle, Phase.COMMITTEE)
    if cycle.drafts_released_at is None and (
        _scores_unanchored(user) or _drafts_wait_for_release(user)
    ):
        return Access(
            view=False,
            reason=_(
                "委員がそれぞれ案に左右されずに評価するため、総評の案は、"
                "事務局が案を委員に公開するまで表示しません。"
            ),
        )
    participant = participant_of(user, cycle.plan_id)
    if not (participant and participant.is_secretariat):
        return Access(view=True, reason=_("総評の案を書くのは事務局です。"))
    if cycle.phase != Phase.COMMITTEE:
        return Access(view=True, reason=_phase_reason(cycle, Phase.COMMITTEE))
    if summary is not None and summary.is_confirmed:
        return Access(view=True, reason=_("委員長が確定した総評は編集できません。"))
    return Access(view=True, edit=True)


def visible_summary(user: User | AnonymousUser, cycle: Cycle) -> CommitteeSummary | None:
    """The year's 総評 as the user may read it at the head of the 評価表: in a 確定/公開
    year only the confirmed one (and the public only then); before, the draft under
    ``committee_summary_access``. One query."""
    summary = CommitteeSummary.objects.filter(cycle=cycle).select_related("cycle").first()
    if summary is None:
        return None
    if cycle.is_locked:
        return summary if summary.is_confirmed else None
    return summary if committee_summary_access(user, cycle, summary).view else None


def meeting_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """The committee's meetings of a year (日時, 場所, 出席者, 議題, 議事要旨): the 事務局
    records them until the year is 確定; 委員 and 委員長 read them. Body staff do not: the
    議事要旨 may tell how the committee leans on a 施策 before it is settled."""
    participant = participant_of(user, cycle.plan_id)
    if not (
        (user.is_authenticated and user.is_superuser)
        or (participant and (participant.is_secretariat or participant.is_committee_member))
    ):
        return Access(view=False, reason=_("委員会の会議の記録は、事務局と委員が見られます。"))
    if not (participant and participant.is_secretariat):
        return Access(view=True, reason=_("会議の記録は事務局が入力します。"))
    if cycle.is_locked:
        return Access(
            view=True, reason=_("この年度の評価は確定しているため、会議の記録は変更できません。")
        )
    return Access(view=True, edit=True)


def meeting_material_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """The projector view and the 会議資料 PDF of a meeting: each 施策's material with the
    members' tally and the 事務局's draft. The 事務局, who projects and hands them out, and
    the 委員長; a 委員 reads a draft and the tally under the rules of independent scoring
    (``committee_drafts_seen_by``, ``member_scores_access``), not from the 会議資料."""
    participant = participant_of(user, cycle.plan_id)
    if (user.is_authenticated and user.is_superuser) or (
        participant and (participant.is_secretariat or participant.is_chair)
    ):
        return Access(view=True)
    return Access(
        view=False,
        reason=_(
            "会議資料には委員会評価の案と委員の評価の集計が含まれるため、事務局と委員長が開きます。"
            "会議では事務局が投影・配布します。"
        ),
    )


def scoring_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """The member's scoring pages (the list of 施策 and one 施策 with its material): for
    委員 and 委員長. Whether the form on them can be saved is ``member_evaluation_access``."""
    base = cycle_access(user, cycle)
    participant = participant_of(user, cycle.plan_id)
    if not (base.view and participant and participant.is_committee_member):
        return DENIED
    return Access(view=True)


def committee_evaluation_access(
    user: User | AnonymousUser, cycle: Cycle, evaluation: CommitteeEvaluation | None
) -> Access:
    """委員会評価: drafted by the secretariat in 委員会評価; confirmed means locked.

    The drafting page is for insiders only (it shows drafts and every member's opinion);
    the public reads the confirmed evaluation on the 施策 page and the 評価表."""
    if not is_insider(user, cycle.plan_id):
        return DENIED
    if cycle.is_locked:
        return _locked_year_access(user, cycle, Phase.COMMITTEE)
    participant = participant_of(user, cycle.plan_id)
    if (
        evaluation is not None
        and not (draft := committee_draft_access(user, cycle, evaluation.measure_id)).view
    ):
        return draft
    if not (participant and participant.is_secretariat):
        return Access(view=True, reason=_("委員会評価の案を作成するのは事務局です。"))
    if cycle.phase != Phase.COMMITTEE:
        return Access(view=True, reason=_phase_reason(cycle, Phase.COMMITTEE))
    if evaluation is not None and evaluation.is_confirmed:
        return Access(view=True, reason=_("委員長が確定した評価は編集できません。"))
    return Access(view=True, edit=True)


def committee_confirmation_access(
    user: User | AnonymousUser, cycle: Cycle, evaluation: CommitteeEvaluation | None
) -> Access:
    """Confirming the compiled evaluation: the chair, once a draft exists, in 委員会評価."""
    if not is_insider(user, cycle.plan_id):
        return DENIED
    participant = participant_of(user, cycle.plan_id)
    if not (participant and participant.is_chair):
        return Access(view=True, reason=_("委員会評価を確定できるのは委員長だけです。"))
    if cycle.phase != Phase.COMMITTEE:
        return Access(view=True, reason=_phase_reason(cycle, Phase.COMMITTEE))
    if evaluation is None:
        return Access(view=True, reason=_("まだ事務局の案がありません。"))
    if evaluation.is_confirmed:
        return Access(view=True, reason=_("この評価は確定済みです。"))
    return Access(view=True, edit=True)


def drafts_committee_evaluations(user: User | AnonymousUser) -> bool:
    """The 事務局 drafts the committee's evaluations: why a draft cannot be edited concerns
    them; the chair and the members see only what applies to them (confirming, the result)."""
    participant = participant_of(user)
    return participant is not None and participant.is_secretariat


def confirms_committee_evaluations(user: User | AnonymousUser) -> bool:
    """The 委員長 (or whoever acts for them today) confirms the committee's evaluations: why
    a draft cannot be confirmed yet concerns them only."""
    participant = participant_of(user)
    return participant is not None and participant.is_chair


def committee_review_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """The chair's review page (every draft with the members' tally): the 委員長 confirms
    or sends back in 委員会評価; the 事務局 sees the same page to follow it."""
    base = cycle_access(user, cycle)
    participant = participant_of(user, cycle.plan_id)
    if not (base.view and participant and (participant.is_chair or participant.is_secretariat)):
        return DENIED
    if not participant.is_chair:
        return Access(view=True, reason=_("委員会評価を確定・差し戻しできるのは委員長だけです。"))
    if cycle.phase != Phase.COMMITTEE:
        return Access(view=True, reason=_phase_reason(cycle, Phase.COMMITTEE))
    return Access(view=True, edit=True)


def entry_review_access(user: User | AnonymousUser, cycle: Cycle, entry) -> Access:
    """差し戻し / 確認済 of a 実施状況 or 自己評価: the 事務局, in 実施状況入力, once the
    実施主体 has entered it."""
    base = cycle_access(user, cycle)
    if not base.view:
        return DENIED
    participant = participant_of(user, cycle.plan_id)
    if not (participant and participant.is_secretariat):
        return Access(view=True, reason=_("差し戻しと確認は事務局が行います。"))
    if cycle.phase != Phase.ENTRY:
        return Access(view=True, reason=_phase_reason(cycle, Phase.ENTRY))
    if entry is None or entry.pk is None:
        return Access(view=True, reason=_("まだ入力されていないため、差し戻せません。"))
    return Access(view=True, edit=True)


def follow_up_access(user: User | AnonymousUser, cycle: Cycle, body_id: int) -> Access:
    """委員会意見への対応 (対応方針・対応状況): written by the staff of that 実施主体 (or the
    事務局 on its behalf) in 実施状況入力; insiders view."""
    base = cycle_access(user, cycle)
    if not (base.view and is_insider(user, cycle.plan_id)):
        return DENIED
    participant = participant_of(user, cycle.plan_id)
    if not (
        participant
        and (
            participant.is_secretariat
            or (participant.is_staff_member and participant.body_id == body_id)
        )
    ):
        return Access(view=True, reason=_("対応状況を入力できるのは、その実施主体と事務局です。"))
    if cycle.phase != Phase.ENTRY:
        return Access(view=True, reason=_phase_reason(cycle, Phase.ENTRY))
    return Access(view=True, edit=True)


def follow_up_points_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """指摘事項の整理: the 事務局 splits last year's opinions into numbered points while the
    実施主体 answer them (実施状況入力); insiders see the points on the report."""
    base = cycle_access(user, cycle)
    if not (base.view and is_insider(user, cycle.plan_id)):
        return DENIED
    participant = participant_of(user, cycle.plan_id)
    if not (participant and participant.is_secretariat):
        return Access(view=True, reason=_("指摘事項を分けられるのは事務局です。"))
    if cycle.phase != Phase.ENTRY:
        return Access(view=True, reason=_phase_reason(cycle, Phase.ENTRY))
    return Access(view=True, edit=True)


def sheet_import_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """評価表の取り込み: body staff and the secretariat, while the cycle is in 実施状況入力.

    View means the upload page is shown (with the reason when it cannot be used); each
    row is then checked with ``project_access`` / ``report_access``.
    """
    base = cycle_access(user, cycle)
    participant = participant_of(user, cycle.plan_id)
    if not (
        base.view and participant and (participant.is_secretariat or participant.is_staff_member)
    ):
        return DENIED
    if cycle.phase != Phase.ENTRY:
        return Access(view=True, reason=_phase_reason(cycle, Phase.ENTRY))
    return Access(view=True, edit=True)


def indicator_access(
    user: User | AnonymousUser, plan_id: int, plan_has_published_cycle: bool
) -> Access:
    """参考指標 of a plan: insiders view; the public too once the plan has a 公開 cycle
    (indicators are plan-wide figures, not one year's evaluation). The secretariat edits.

    The caller passes whether the plan has a published cycle, so a page that already
    knows it (the dashboard of a 公開 year) spends no query on it.
    """
    if not (plan_has_published_cycle or is_insider(user, plan_id)):
        return DENIED
    participant = participant_of(user, plan_id)
    if participant and participant.is_secretariat:
        return Access(view=True, edit=True)
    return Access(view=True, reason=_("参考指標を登録・編集するのは事務局です。"))


def indicator_value_access(
    user: User | AnonymousUser, plan_rule: Access, value: IndicatorValue
) -> Access:
    """One year's value of a 参考指標: the plan's ``indicator_access`` (``plan_rule``), but
    read-only once that year is 確定/公開 (``IndicatorValue.lock_reason``, which the admin
    follows too), unless the 事務局 corrects it through the year's open 訂正."""
    if plan_rule.edit and (reason := value.lock_reason(user)):
        return Access(view=True, reason=reason)
    return plan_rule


# Who a page's shared, cached body is rendered for: everyone in one audience sees the same.
PUBLIC, INSIDER, SECRETARIAT = "public", "insider", "secretariat"


def read_live_by_public(cycles: Iterable[Cycle]) -> list[Cycle]:
    """The cycles whose records the public reads live on the plan-wide pages (the trend
    dashboard, 参考指標): the 公開 years, less a year whose 訂正 is open or awaiting the
    chair — its unapproved corrections are already in the records until the next edition
    is published (the year's own pages come from its edition meanwhile). One query, and
    only when a year is 公開."""
    published = [c for c in cycles if c.is_published]
    if not published:
        return []
    held = set(
        Cycle.objects.filter(
            pk__in=[c.pk for c in published],
            corrections__state__in=(CorrectionState.OPEN, CorrectionState.SUBMITTED),
        ).values_list("pk", flat=True)
    )
    return [c for c in published if c.pk not in held]


def indicator_years(
    audience: str, cycles: Iterable[Cycle], *, up_to: int | None = None
) -> set[int] | None:
    """The fiscal years whose 参考指標 values an audience sees (None: every year entered).
    Insiders see every year; the public only the years of the plan's ``cycles`` it reads
    (``read_live_by_public``), because a figure that belongs to a year is public only with
    that year — and on one year's pages (its dashboard) none later than that year
    (``up_to``). ``cycles`` is read only for the public (a lazy queryset costs insiders
    nothing)."""
    if audience != PUBLIC:
        return None
    return {
        c.fiscal_year
        for c in read_live_by_public(cycles)
        if up_to is None or c.fiscal_year <= up_to
    }


def audience_of(user: User | AnonymousUser, plan_id: int) -> str:
    """The audience whose cached rendering of a plan's pages the user is shown (people of
    another plan are the public here)."""
    participant = participant_of(user, plan_id)
    if participant and participant.is_secretariat:
        return SECRETARIAT
    return INSIDER if is_insider(user, plan_id) else PUBLIC


def cycle_creation_access(user: User | AnonymousUser, plan: Plan) -> Access:
    """Opening a new fiscal year's cycle of a plan: the plan's secretariat only."""
    participant = participant_of(user, plan.pk)
    if participant and participant.is_secretariat:
        return Access(view=True, edit=True)
    return DENIED


def plan_words_access(user: User | AnonymousUser, plan: Plan) -> Access:
    """A plan's own words (its level names, its predecessor's, its 重点施策's note): the
    plan's secretariat and administrators, as they import its structure; the 事務局 of
    another plan has no say in this one's."""
    if user.is_authenticated and user.is_superuser:
        return Access(view=True, edit=True)
    participant = participant_of(user, plan.pk)
    if participant and participant.is_secretariat:
        return Access(view=True, edit=True)
    return DENIED


def plan_dashboard_access(
    user: User | AnonymousUser, plan_id: int, plan_has_published_cycle: bool
) -> Access:
    """The across-years dashboard of a plan: insiders always, the public once a year of the
    plan is 公開 (the page then shows the public only the 公開 years). Nothing to edit."""
    if not (plan_has_published_cycle or is_insider(user, plan_id)):
        return DENIED
    return Access(view=True, reason=_("ダッシュボードは集計結果の表示だけです。"))


def entry_follow_up_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """The secretariat's follow-up of a cycle: every missing entry with links, the progress
    CSV and the reminders sent. Others see the counts on the cycle page, not the lists."""
    if not cycle_access(user, cycle).view:
        return DENIED
    participant = participant_of(user, cycle.plan_id)
    if participant and participant.is_secretariat:
        return Access(view=True, edit=True)
    return Access(view=False, reason=_("未入力の一覧と送信記録を見られるのは事務局だけです。"))


def self_evaluation_body(user: User | AnonymousUser) -> ImplementingBody | None:
    """The 実施主体 whose 自己評価 the user writes: body staff write their own body's;
    nobody else writes one (``self_evaluation_access`` adds the phase)."""
    participant = participant_of(user)
    if participant is None or not participant.is_staff_member:
        return None
    return participant.body


def reminder_settings_access(user: User | AnonymousUser) -> Access:
    """Reminder settings: every logged-in person edits their own, nobody else's."""
    if not user.is_authenticated:
        return DENIED
    return Access(view=True, edit=True)


def receives_summary(user: User | AnonymousUser) -> bool:
    """The 事務局's summary mail (who is behind with what) goes to the secretariat only: it
    names every body's and member's open entries."""
    participant = participant_of(user)
    return participant is not None and participant.is_secretariat


def bundle_access(user: User | AnonymousUser, cycle: Cycle) -> Access:
    """The publication bundle (static HTML of a year's public pages): the secretariat
    downloads it once the year is 公開; it holds only what the public already sees."""
    participant = participant_of(user, cycle.plan_id)
    if not (participant and participant.is_secretariat):
        return DENIED
    if not cycle.is_published:
        return Access(
            view=False, reason=_("公開の段階になった年度だけ、公開用ファイルを作れます。")
        )
    return Access(view=True)


def edition_access(user: User | AnonymousUser, cycle: Cycle, published: bool) -> Access:
    """An edition of a year (``publication.Edition``): a published one is read by everyone
    while the year is 公開; before that, and a draft always, only by the secretariat and
    the chair, who check the exact files before the year is published."""
    participant = participant_of(user, cycle.plan_id)
    if participant and (participant.is_secretariat or participant.is_chair):
        return Access(view=True)
    if published and cycle.is_published:
        return Access(view=True)
    return Access(view=False, reason=_("公開前の版を読めるのは事務局と委員長だけです。"))


def correction_access(user: User | AnonymousUser, cycle: Cycle, state: str | None) -> Access:
    """訂正 of a published year (``publication.Correction``) whose pending one is in
    ``state`` (None: none is pending): seen by the 事務局 and the 委員長. The 事務局 opens
    one on a 公開 year and, while it is 訂正中, submits or withdraws it; the 委員長
    approves or sends back one 承認待ち."""
    participant = participant_of(user, cycle.plan_id)
    if not (participant and (participant.is_secretariat or participant.is_chair)):
        return DENIED
    if not cycle.is_published:
        return Access(view=True, reason=_("訂正できるのは「公開」の段階の年度だけです。"))
    if participant.is_secretariat and state in {None, CorrectionState.OPEN}:
        return Access(view=True, edit=True)
    if participant.is_chair and state == CorrectionState.SUBMITTED:
        return Access(view=True, edit=True)
    if state == CorrectionState.SUBMITTED:
        return Access(view=True, reason=_("承認待ちの訂正です。承認・差し戻しは委員長が行います。"))
    return Access(view=True, reason=_("訂正を始める・直す・承認を求めるのは事務局です。"))


def visible_cycles(user: User | AnonymousUser, plan) -> list[Cycle]:
    """A plan's cycles the user may see (the public: the 公開 ones), newest first."""
    cycles = Cycle.objects.filter(plan=plan).select_related("plan").order_by("-fiscal_year")
    return [c for c in cycles if cycle_access(user, c).view]


# --- fetching and refusing, for the views --------------------------------------------------


class Hidden(Exception):
    """Raised where a view finds the user may not see what was asked for; the
    ``refuse_hidden`` decorator turns it into ``denied``."""


def refuse_hidden(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Hidden:
            return denied(request)

    return wrapper


def visible_cycle(
    request: HttpRequest, plan: str, year: int, rule: Callable[..., Access] = cycle_access
) -> tuple[Cycle, Access]:
    """The cycle with the user's access to it (by ``rule``); ``Hidden`` if they may not see it."""
    cycle = get_object_or_404(
        Cycle.objects.select_related("plan__predecessor"), plan__code=plan, fiscal_year=year
    )
    access = rule(request.user, cycle)
    if not access.view:
        raise Hidden
    return cycle, access


def visible_plan(
    request: HttpRequest, plan: str, rule: Callable[..., Access]
) -> tuple[Plan, Access]:
    """A plan with the user's access by a plan-wide ``rule`` (the 参考指標, the across-years
    dashboard), which is told whether the plan has a published year; ``Hidden`` if the user
    may not see it."""
    plan_obj = get_object_or_404(Plan, code=plan)
    access = rule(
        request.user, plan_obj.pk, Cycle.objects.filter(plan=plan_obj).published().exists()
    )
    if not access.view:
        raise Hidden
    return plan_obj, access


def measure_in(cycle: Cycle, number: str) -> Measure:
    """A 施策 of the cycle's plan by its number (404 if the plan has none), read once per
    generation of the data (``page_cache``; any save of the plan starts a new one)."""

    def fetch() -> Measure:
        measure = get_object_or_404(
            Measure.objects.select_related("basic_policy"),
            basic_policy__plan_id=cycle.plan_id,
            number=number,
        )
        measure.basic_policy.plan = cycle.plan  # the same plan, already fetched with the cycle
        return measure

    return cached(("measure", cycle.plan_id, number), fetch)
