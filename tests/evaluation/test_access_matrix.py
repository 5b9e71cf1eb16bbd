"""Every URL × every role × GET/POST, generated from the URL conf.

A URL without an entry here fails ``test_every_url_is_in_the_matrix``. Denied writes must
leave the database exactly as it was; allowed writes must change it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from evaluation.models import CommitteeEvaluation, Phase
from people.models import Participant
from tests.evaluation.conftest import ROLES, World
from tests.factories import level, revised_plan

PLAN = {"plan": "revised-2017"}
CYCLE = {**PLAN, "year": 2021}
MEASURE = {**CYCLE, "number": "1-1"}

OK, SAVED, REDIRECT, LOGIN, FORBIDDEN, NOT_ALLOWED, NOT_FOUND = (
    "ok",
    "saved",
    "redirect",
    "login",
    "forbidden",
    "not allowed",
    "not found",
)


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


def insiders(outcome: str = OK) -> dict[str, str]:
    """Logged-in people with a role get ``outcome``; anonymous visitors must log in."""
    return {**everyone(outcome), "anonymous": LOGIN}


def only(*roles: str, outcome: str = SAVED) -> dict[str, str]:
    """The listed roles get ``outcome``; other roles 403; anonymous visitors must log in."""
    return {**insiders(FORBIDDEN), **dict.fromkeys(roles, outcome)}


@dataclass
class Case:
    kwargs: dict = field(default_factory=dict)
    get: dict[str, str] = field(default_factory=lambda: everyone(OK))
    post: dict[str, str] = field(default_factory=lambda: everyone(NOT_ALLOWED))
    phase: str = Phase.ENTRY  # the phase in which the POST is attempted
    data: Callable[[World, str], dict] = lambda world, role: {}
    setup: Callable[[World], None] = lambda world: None


def project_data(world: World, role: str) -> dict:
    own_body = {"staff_b": "place"}.get(role, "city")
    from policies.models import ImplementingBody, Initiative

    return {
        "code": "new-001",
        "name": "新しい事業",
        "body": ImplementingBody.objects.get(code=own_body).pk,
        "department": "市民活動推進課",
        "initiatives": [Initiative.objects.get_by_natural_key("revised-2017", "1-1", 1).pk],
        "first_year": 2021,
        "version": 0,
    }


def draft(world: World) -> None:
    CommitteeEvaluation.objects.create(cycle=world.cycle, measure_id=world_measure(), opinion="案")


def entered_report(world: World) -> None:
    from tests.factories import ProjectReportFactory

    ProjectReportFactory(cycle=world.cycle, project=world.project)


def entered_self_evaluation(world: World) -> None:
    from tests.factories import SelfEvaluationFactory

    SelfEvaluationFactory(cycle=world.cycle)


def follow_up(world: World) -> None:
    from evaluation.models import FollowUp

    # A pk well above what the table's sequence hands out: splitting it into points inserts
    # new rows, which PostgreSQL numbers from its sequence (1, 2, ...), not after this one.
    FollowUp.objects.create(
        pk=900, cycle=world.cycle, measure_id=world_measure(), body=world.project.body
    )


def world_measure() -> int:
    from policies.models import Measure

    return Measure.objects.get_by_natural_key("revised-2017", "1-1").pk


def indicator(world: World) -> None:
    from evaluation.models import Indicator
    from policies.models import Plan

    Indicator.objects.create(
        pk=1,
        plan=Plan.objects.get(code="revised-2017"),
        name="市民活動団体数",
        unit="団体",
        order=1,
    )


def three_level_scale(world: World) -> None:
    from policies.models import RatingLevel, RatingScale

    scale = RatingScale.objects.create(pk=90, code="three", name="3段階評価")
    for order, (code, points) in enumerate([("A", 3), ("B", 2), ("C", 1)]):
        RatingLevel.objects.create(scale=scale, code=code, label=code, points=points, order=order)


def meeting(world: World) -> None:
    from evaluation.models import Meeting

    Meeting.objects.create(
        pk=1, cycle=world.cycle, held_at="2021-07-05T18:30:00+09:00", place="市役所 412会議室"
    )


def meeting_data(world: World, role: str) -> dict:
    return {
        "held_at": "2021-08-02T18:30",
        "place": "武蔵野プレイス",
        "attendees": [world.users["member"].pk],
        "measures": [world_measure()],
        "summary": "施策1-1について審議した。",
        "version": 0,
    }


def draft_edition(world: World) -> None:
    """A draft edition of the matrix's year, as if built at 確定 (the secretariat and the
    chair check it before 公開; nobody else sees it)."""
    from publication.models import Edition, EditionFile

    edition = Edition.objects.create(
        cycle=world.cycle, number=1, plan_code="revised-2017", fiscal_year=2021, snapshot={}
    )
    stored = EditionFile.of(
        name="sheet.csv",
        path="/cycles/revised-2017/2021/sheet.csv",
        content_type="text/csv",
        content=b"a,b\r\n",
    )
    stored.edition = edition
    stored.save()


def person(world: World, role: str = "member") -> None:
    """A 委員 (or a 実施主体担当 of the 市) the people page acts on, at a known address."""
    from tests.factories import ParticipantFactory, UserFactory, body

    if Participant.objects.filter(pk=900).exists():  # the crawls run every set-up at once
        return
    where = body("city") if role == "staff" else None
    ParticipantFactory(pk=900, role=role, body=where, user=UserFactory(email="p@example.jp"))


SEAT = {"category": "public", "office": "", "starts_on": "2021-04-01", "ends_on": "2023-03-31"}


def with_authenticator(world: World) -> None:
    """The member at pk 900 has set up an authenticator app (二段階認証)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    person(world)
    TOTPDevice.objects.get_or_create(user=Participant.objects.get(pk=900).user, confirmed=True)


def seated(world: World, office: str = "") -> None:
    """The member at pk 900 holds seat 900 (its end date is what the POST changes)."""
    from people.models import Seat

    person(world)
    user_id = Participant.objects.get(pk=900).user_id
    Seat.objects.get_or_create(
        pk=900,
        defaults={
            "plan": revised_plan(),
            "user_id": user_id,
            "category": "public",
            "office": office,
            "starts_on": date(2021, 4, 1),
        },
    )


# An invalid one-time link: its page explains itself to everyone, for GET and POST alike.
LINK = {"uidb64": "MA", "token": "0-0"}

MATRIX: dict[str, Case] = {
    "home": Case(get=everyone(REDIRECT)),
    "floor": Case(),
    "ops:healthz": Case(),
    "login": Case(
        post=everyone(OK), data=lambda w, r: {"username": "nobody", "password": "wrong-password"}
    ),
    "logout": Case(get=everyone(NOT_ALLOWED), post=everyone(REDIRECT)),
    "admin:index": Case(get=everyone(REDIRECT), post=everyone(REDIRECT)),
    # People: the 事務局 (people.rules decides which roles it may give: tests/people).
    "people:list": Case(get=only("secretariat", outcome=OK)),
    "people:invite": Case(
        get=only("secretariat", outcome=OK),
        post=only("secretariat"),
        data=lambda w, r: {
            "name": "新しい委員",
            "email": "new@example.jp",
            "role": "member",
            "plans": [revised_plan().pk],
        },
    ),
    "people:role": Case(
        kwargs={"pk": 900},
        get=only("secretariat", outcome=OK),
        post=only("secretariat"),
        setup=person,
        data=lambda w, r: {"role": "chair"},
    ),
    # 人事異動: a 実施主体担当 of the 市 hands over to a new person.
    "people:handover": Case(
        kwargs={"pk": 900},
        get=only("secretariat", outcome=OK),
        post=only("secretariat"),
        setup=lambda w: person(w, role="staff"),
        data=lambda w, r: {
            "name": "後任",
            "email": "next@example.jp",
            "effective_on": "2021-04-01",
        },
    ),
    # 委員の任期: the 事務局 records them for committee accounts (the member at pk 900).
    "people:seats": Case(get=only("secretariat", outcome=OK)),
    "people:seat_create": Case(
        get=only("secretariat", outcome=OK),
        post=only("secretariat"),
        setup=person,
        data=lambda w, r: {
            "user": Participant.objects.get(pk=900).user_id,
            "plan": revised_plan().pk,
            **SEAT,
        },
    ),
    "people:seat_edit": Case(
        kwargs={"pk": 900},
        get=only("secretariat", outcome=OK),
        post=only("secretariat"),
        setup=seated,
        data=lambda w, r: {
            "user": Participant.objects.get(pk=900).user_id,
            "plan": revised_plan().pk,
            **SEAT,
        },
    ),
    # 職務代理: the member at pk 900 holds a 副委員長 seat and acts for the chair today.
    "people:acting_chair_create": Case(
        get=only("secretariat", outcome=OK),
        post=only("secretariat"),
        setup=lambda w: seated(w, office="vice_chair"),
        data=lambda w, r: {
            "user": Participant.objects.get(pk=900).user_id,
            "in_place_of": w.users["chair"].pk,
            "starts_on": str(date.today()),
            "ends_on": str(date.today()),
        },
    ),
    # Sends a mail and changes nothing.
    "people:send_link": Case(
        kwargs={"pk": 900},
        get=everyone(NOT_ALLOWED),
        post=only("secretariat", outcome=REDIRECT),
        setup=person,
    ),
    "people:set_active": Case(
        kwargs={"pk": 900},
        get=everyone(NOT_ALLOWED),
        post=only("secretariat"),
        setup=person,
        data=lambda w, r: {"active": "0"},
    ),
    # 二段階認証: off in this matrix (REQUIRE_TOTP_FOR empty), so its pages send a logged-in
    # person on; with it on, tests/people/test_two_factor.py.
    "people:two_factor": Case(get=insiders(REDIRECT), post=insiders(REDIRECT)),
    "people:two_factor_enrol": Case(get=insiders(REDIRECT), post=insiders(REDIRECT)),
    # A lost phone: the 事務局 resets the authenticator app of the member at pk 900.
    "people:two_factor_reset": Case(
        kwargs={"pk": 900},
        get=everyone(NOT_ALLOWED),
        post=only("secretariat"),
        setup=with_authenticator,
    ),
    "people:welcome": Case(kwargs=LINK, post=everyone(OK)),
    # 「パスワードを忘れた場合」: the same answer for any address, known or not.
    "people:password_reset": Case(
        post=everyone(REDIRECT), data=lambda w, r: {"email": "nobody@example.jp"}
    ),
    "people:password_reset_done": Case(),
    "people:password_reset_confirm": Case(kwargs=LINK, post=everyone(OK)),
    "people:password_reset_complete": Case(),
    "policies:tree": Case(kwargs=PLAN),
    "policies:measure": Case(kwargs={**PLAN, "number": "1-1"}),
    "policies:plan_export": Case(kwargs={**PLAN, "fmt": "csv"}),
    # Without a file the upload form comes back with an error; nothing is saved.
    "policies:plan_import": Case(
        get=only("secretariat", outcome=OK),
        post=only("secretariat", outcome=OK),
    ),
    "policies:plan_import_template": Case(
        kwargs={"fmt": "xlsx"}, get=only("secretariat", outcome=OK)
    ),
    # Without a pending import, confirming goes back to the upload page; nothing is saved.
    "policies:plan_import_confirm": Case(
        get=everyone(NOT_ALLOWED),
        post=only("secretariat", outcome=REDIRECT),
    ),
    "evaluation:todo": Case(get=insiders()),
    "evaluation:cycles": Case(kwargs=PLAN),
    "evaluation:cycle_create": Case(
        kwargs=PLAN,
        get=only("secretariat", outcome=OK),
        post=only("secretariat"),
        data=lambda w, r: {"fiscal_year": 2020, "version": 0},
    ),
    "evaluation:cycle": Case(kwargs=CYCLE, get=insiders()),
    "evaluation:cycle_edit": Case(
        kwargs=CYCLE,
        get=insiders(),
        post=only("secretariat"),
        data=lambda w, r: {
            "fiscal_year": 2021,
            "entry_due": "2022-05-31",
            "version": w.cycle.version,
        },
    ),
    "evaluation:cycle_move": Case(
        kwargs=CYCLE,
        get=everyone(NOT_ALLOWED),
        post=only("secretariat"),
        data=lambda w, r: {
            "to_phase": Phase.COMMITTEE,
            "version": w.cycle.version,
            "confirmed": "1",  # past the confirmation step (test_phase_moves)
        },
    ),
    # Opening the committee's drafts to every member (independent scoring until then).
    "evaluation:drafts_release": Case(
        kwargs=CYCLE,
        get=everyone(NOT_ALLOWED),
        post=only("secretariat"),
        phase=Phase.COMMITTEE,
        data=lambda w, r: {"version": w.cycle.version, "confirmed": "1"},
    ),
    # The year's rating scale: the secretariat edits (or picks another) in 準備.
    "evaluation:cycle_scale": Case(
        kwargs=CYCLE,
        get=insiders(),
        post=only("secretariat"),
        phase=Phase.PREPARATION,
        setup=three_level_scale,
        data=lambda w, r: {"action": "pick", "scale": 90, "cycle_version": w.cycle.version},
    ),
    "evaluation:cycle_progress_csv": Case(kwargs=CYCLE, get=only("secretariat", outcome=OK)),
    "evaluation:measure_year": Case(kwargs=MEASURE, get=insiders()),
    "evaluation:self_evaluation": Case(
        kwargs={**MEASURE, "body": "city"},
        get=insiders(),
        post=only("staff_a"),
        data=lambda w, r: {
            "rating": level("B").pk,
            "reason": "計画どおり実施した。",
            "version": 0,
        },
    ),
    # The old address of a member's form: it leads to the scoring page.
    "evaluation:member_evaluation": Case(
        kwargs=MEASURE, get={**everyone(REDIRECT), "anonymous": LOGIN}
    ),
    "evaluation:committee_review": Case(
        kwargs=CYCLE, get=only("chair", "secretariat", outcome=OK), setup=draft
    ),
    "evaluation:committee_review_confirm": Case(
        kwargs=CYCLE,
        get=everyone(NOT_ALLOWED),
        post=only("chair"),
        phase=Phase.COMMITTEE,
        setup=draft,
        data=lambda w, r: {"measure": "1-1", "version-1-1": 1, "step": "confirm"},
    ),
    "evaluation:committee_send_back": Case(
        kwargs=MEASURE,
        get=everyone(NOT_ALLOWED),
        post=only("chair"),
        phase=Phase.COMMITTEE,
        setup=draft,
        data=lambda w, r: {"comment": "根拠を足してください。", "version": 1},
    ),
    "evaluation:report_review": Case(
        kwargs={**CYCLE, "code": "city-001"},
        get=insiders(),
        post=only("secretariat"),
        setup=entered_report,
        data=lambda w, r: {
            "action": "send_back",
            "comment": "回数を入れてください。",
            "version": 1,
        },
    ),
    "evaluation:self_evaluation_review": Case(
        kwargs={**MEASURE, "body": "city"},
        get=insiders(),
        post=only("secretariat"),
        setup=entered_self_evaluation,
        data=lambda w, r: {"action": "check", "version": 1},
    ),
    "evaluation:follow_up_report": Case(kwargs=CYCLE, get=insiders(), setup=follow_up),
    "evaluation:follow_up_xlsx": Case(kwargs=CYCLE, get=insiders(), setup=follow_up),
    "evaluation:follow_up_csv": Case(kwargs=CYCLE, get=insiders(), setup=follow_up),
    "evaluation:follow_up_pdf": Case(kwargs=CYCLE, get=insiders(), setup=follow_up),
    "evaluation:follow_up": Case(
        kwargs={**CYCLE, "pk": 900},
        get=insiders(),
        post=only("staff_a", "secretariat"),
        setup=follow_up,
        data=lambda w, r: {"policy": "広報を見直す。", "status": "in_progress", "version": 1},
    ),
    "evaluation:follow_up_points": Case(
        kwargs={**CYCLE, "pk": 900},
        get=insiders(),
        post=only("secretariat"),
        setup=follow_up,
        data=lambda w, r: {"points": "広報を見直すこと。\n参加者を広げること。"},
    ),
    "evaluation:scoring_list": Case(kwargs=CYCLE, get=only("member", "chair", outcome=OK)),
    "evaluation:scoring": Case(
        kwargs=MEASURE,
        get=only("member", "chair", outcome=OK),
        post=only("member", "chair"),
        phase=Phase.COMMITTEE,
        data=lambda w, r: {"opinion": "参加を促す仕組みが必要。", "version": 0, "then": "next"},
    ),
    "evaluation:committee_evaluation": Case(
        kwargs=MEASURE,
        get=insiders(),
        post=only("secretariat"),
        phase=Phase.COMMITTEE,
        data=lambda w, r: {"opinion": "概ね達成。", "version": 0},
    ),
    # The 総評: the 事務局 writes it in 委員会評価; a 委員 and body staff read it once the
    # drafts are released (none is yet here: a member gets the reason).
    "evaluation:committee_summary": Case(
        kwargs=CYCLE,
        get={**insiders(), "member": FORBIDDEN, "staff_a": FORBIDDEN, "staff_b": FORBIDDEN},
        post=only("secretariat"),
        phase=Phase.COMMITTEE,
        data=lambda w, r: {"text": "各施策とも概ね計画どおり進んだ。", "version": 0},
    ),
    # The committee's meetings: the 事務局 records them, 委員 and 委員長 read them; the
    # projector view and the 会議資料 (drafts and tallies) are for the 事務局 and the 委員長.
    "evaluation:meetings": Case(
        kwargs=CYCLE, get=only("member", "chair", "secretariat", outcome=OK), setup=meeting
    ),
    "evaluation:meeting_create": Case(
        kwargs=CYCLE,
        get=only("member", "chair", "secretariat", outcome=OK),
        post=only("secretariat"),
        data=meeting_data,
    ),
    "evaluation:meeting": Case(
        kwargs={**CYCLE, "pk": 1},
        get=only("member", "chair", "secretariat", outcome=OK),
        post=only("secretariat"),
        setup=meeting,
        data=lambda w, r: {**meeting_data(w, r), "version": 1},
    ),
    "evaluation:meeting_screen": Case(
        kwargs={**MEASURE, "pk": 1},
        get=only("chair", "secretariat", outcome=OK),
        setup=meeting,
    ),
    "evaluation:meeting_pdf": Case(
        kwargs={**CYCLE, "pk": 1}, get=only("chair", "secretariat", outcome=OK), setup=meeting
    ),
    "evaluation:committee_confirm": Case(
        kwargs=MEASURE,
        get=everyone(NOT_ALLOWED),
        post=only("chair"),
        phase=Phase.COMMITTEE,
        setup=draft,
        data=lambda w, r: {"version": 1, "confirmed": "1"},  # the draft as created
    ),
    "evaluation:report": Case(
        kwargs={**CYCLE, "code": "city-001"},
        get=insiders(),
        post=only("staff_a", "secretariat"),
        data=lambda w, r: {"status": "done", "activities": "講座を3回開催した。", "version": 0},
    ),
    "evaluation:project_create": Case(
        kwargs=PLAN,
        get=insiders(),
        post=only("staff_a", "staff_b", "secretariat"),
        data=project_data,
    ),
    # Without a choice the form comes back with its errors; nothing is saved.
    "evaluation:project_continue": Case(
        kwargs=PLAN,
        get=insiders(),
        post=only("staff_a", "staff_b", "secretariat", outcome=OK),
    ),
    "evaluation:project": Case(kwargs={"code": "city-001"}, get=insiders()),
    # city-001 was not continued from a previous plan: refused with the reason, nothing saved.
    "evaluation:project_uncontinue": Case(
        kwargs={"code": "city-001"},
        get=everyone(NOT_ALLOWED),
        post=only("staff_a", "secretariat", outcome=REDIRECT),
        data=lambda w, r: {"version": 1},
    ),
    "evaluation:projects": Case(kwargs=PLAN, get=insiders()),
    "evaluation:plan_words": Case(
        kwargs=PLAN,
        get=only("secretariat", outcome=OK),
        post=only("secretariat"),
        data=lambda w, r: {
            "name": "武蔵野市市民活動促進基本計画改定計画",
            "short_name": "改定計画",
            "basic_policy_label": "基本目標",
            "measure_label": "施策",
            "initiative_label": "取組",
            "measure_description_label": "施策の目標",
            "predecessor_label": "改定前の計画",
            "priority_note": "",
        },
    ),
    "evaluation:dashboard": Case(kwargs=CYCLE, get=insiders()),
    "evaluation:dashboard_trends": Case(kwargs=PLAN, get=insiders()),
    "evaluation:indicators": Case(kwargs=PLAN, get=insiders()),
    "evaluation:indicator_create": Case(
        kwargs=PLAN,
        get=only("secretariat", outcome=OK),
        post=only("secretariat"),
        data=lambda w, r: {"name": "NPO法人数", "unit": "法人", "order": 2, "version": 0},
    ),
    "evaluation:indicator_edit": Case(
        kwargs={**PLAN, "pk": 1},
        get=only("secretariat", outcome=OK),
        post=only("secretariat"),
        setup=indicator,
        data=lambda w, r: {"name": "市民活動団体の数", "unit": "団体", "order": 1, "version": 1},
    ),
    "evaluation:indicator_value_edit": Case(
        kwargs={**PLAN, "pk": 1, "year": 2021},
        get=only("secretariat", outcome=OK),
        post=only("secretariat"),
        setup=indicator,
        data=lambda w, r: {"actual": "120", "target": "150", "version": 0},
    ),
    "evaluation:sheet_print": Case(kwargs=CYCLE, get=insiders()),
    "evaluation:sheet_xlsx": Case(kwargs=CYCLE, get=insiders()),
    "evaluation:sheet_csv": Case(kwargs=CYCLE, get=insiders()),
    "evaluation:sheet_csv_measures": Case(kwargs=CYCLE, get=insiders()),
    "evaluation:sheet_csv_projects": Case(kwargs=CYCLE, get=insiders()),
    "evaluation:sheet_csv_indicators": Case(kwargs=CYCLE, get=insiders()),
    "evaluation:sheet_csv_columns": Case(kwargs=CYCLE, get=insiders()),
    "evaluation:sheet_pdf": Case(kwargs=CYCLE, get=insiders()),
    # Without a file the upload form comes back with an error; nothing is saved.
    "evaluation:sheet_import": Case(
        kwargs=CYCLE,
        get=only("staff_a", "staff_b", "secretariat", outcome=OK),
        post=only("staff_a", "staff_b", "secretariat", outcome=OK),
    ),
    # Without a pending import, confirming goes back to the upload page; nothing is saved.
    "evaluation:sheet_import_confirm": Case(
        kwargs=CYCLE,
        get=everyone(NOT_ALLOWED),
        post=only("staff_a", "staff_b", "secretariat", outcome=REDIRECT),
    ),
    "evaluation:project_edit": Case(
        kwargs={"code": "city-001"},
        get=insiders(),
        post=only("staff_a", "secretariat"),
        data=lambda w, r: {**project_data(w, "staff_a"), "code": "city-001", "version": 1},
    ),
    # Everyone with an account keeps their own reminder settings.
    "reminders:settings": Case(
        get=insiders(),
        post=insiders(SAVED),
        data=lambda w, r: {"email": f"{r}@example.jp", "overdue": "on", "version": 0},
    ),
    "reminders:sent_log": Case(kwargs=CYCLE, get=only("secretariat", outcome=OK)),
    # Public pages; open data exists only for 公開 years (the matrix's year is not): 404 for
    # everyone, the secretariat included. The bundle: the secretariat, once 公開.
    "publication:accessibility": Case(),
    "publication:opendata": Case(),
    "publication:opendata_columns": Case(),
    "publication:opendata_csv": Case(
        kwargs={**CYCLE, "dataset": "measures"}, get=everyone(NOT_FOUND)
    ),
    "publication:opendata_json": Case(
        kwargs={**CYCLE, "dataset": "projects"}, get=everyone(NOT_FOUND)
    ),
    "publication:bundle": Case(kwargs=CYCLE, get=insiders(FORBIDDEN)),
    # A year's editions: a draft for the secretariat and the chair (published ones for
    # everyone once the year is 公開: tests/publication/test_edition_serving.py).
    "publication:editions": Case(
        kwargs=CYCLE, get=only("secretariat", "chair", outcome=OK), setup=draft_edition
    ),
    "publication:edition_file": Case(
        kwargs={**CYCLE, "edition": 1, "name": "sheet.csv"},
        get=only("secretariat", "chair", outcome=OK),
        setup=draft_edition,
    ),
    # A year's 訂正: seen by the secretariat and the chair; opened by the secretariat on a
    # 公開 year (the chair is shown the reason, with what was typed).
    "publication:correction": Case(
        kwargs=CYCLE,
        get=only("secretariat", "chair", outcome=OK),
        post={**only("secretariat"), "chair": OK},
        phase=Phase.PUBLISHED,
        data=lambda w, r: {"action": "open", "reason": "実施回数の誤記を訂正します。"},
    ),
}

# Methods that only read: POST is refused for everyone.
for _case in MATRIX.values():
    _case.post.setdefault("anonymous", NOT_ALLOWED)


def url_names(patterns=None, namespace: str = "") -> set[str]:
    names = set()
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                names.add("admin:index")  # Django's admin guards its own pages (is_staff)
                continue
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names |= url_names(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            names.add(f"{namespace}{p.name}")
    return names


def test_every_url_is_in_the_matrix():
    assert url_names() == set(MATRIX)


def snapshot(
    labels: tuple[str, ...] = (
        "auth",
        "people",
        "evaluation",
        "policies",
        "reminders",
        "publication",
        "otp_totp",
        "otp_static",
    ),
) -> list:
    """Every row of the evaluation records (history included), of the plan structure and
    of publication (editions, 訂正). A binary column (an edition's file) compares by its
    bytes: PostgreSQL hands it back as a memoryview, whose repr is its address."""
    rows = []
    for label in labels:
        for model in apps.get_app_config(label).get_models():
            rows.append(sorted(repr(_comparable(row)) for row in model.objects.values()))
    return rows


def _comparable(row: dict) -> dict:
    return {k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()}


def check(response, outcome: str, before: list) -> None:
    location = response.headers.get("Location", "")
    if outcome == OK:
        assert response.status_code == 200
    elif outcome == REDIRECT:
        assert response.status_code == 302
    elif outcome == SAVED:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert not location.startswith("/login/")
        assert snapshot() != before, "an allowed write changed nothing"
        return
    elif outcome == LOGIN:
        assert response.status_code == 302
        assert location.startswith("/login/")
    elif outcome == FORBIDDEN:
        assert response.status_code == 403
    elif outcome == NOT_ALLOWED:
        assert response.status_code == 405
    elif outcome == NOT_FOUND:
        assert response.status_code == 404
    else:  # pragma: no cover
        raise AssertionError(outcome)
    assert snapshot() == before, "a refused or read-only request changed the database"


CASES = [(name, role) for name in sorted(MATRIX) for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES)
def test_get(world, login, name, role):
    case = MATRIX[name]
    case.setup(world)
    client = login(world.users[role])
    before = snapshot()
    response = client.get(reverse(name, kwargs=case.kwargs))
    check(response, case.get[role], before)


@pytest.mark.parametrize(("name", "role"), CASES)
def test_post(world, login, name, role):
    case = MATRIX[name]
    world.set_phase(case.phase)
    case.setup(world)
    client = login(world.users[role])
    before = snapshot()
    response = client.post(reverse(name, kwargs=case.kwargs), case.data(world, role))
    check(response, case.post[role], before)
