from django.urls import path

from evaluation.views import (
    cycles,
    dashboard,
    follow_ups,
    indicators,
    meetings,
    plan_words,
    projects,
    records,
    review,
    scale,
    scoring,
    sheet,
    summary,
)

app_name = "evaluation"

urlpatterns = [
    path("todo/", cycles.todo, name="todo"),
    path("cycles/<slug:plan>/", cycles.cycle_list, name="cycles"),
    path("cycles/<slug:plan>/new/", cycles.cycle_create, name="cycle_create"),
    path("cycles/<slug:plan>/<int:year>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<slug:plan>/<int:year>/edit/", cycles.cycle_edit, name="cycle_edit"),
    path("cycles/<slug:plan>/<int:year>/move/", cycles.cycle_move, name="cycle_move"),
    path("cycles/<slug:plan>/<int:year>/scale/", scale.cycle_scale, name="cycle_scale"),
    path(
        "cycles/<slug:plan>/<int:year>/drafts/release/",
        cycles.drafts_release,
        name="drafts_release",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/progress.csv",
        cycles.cycle_progress_csv,
        name="cycle_progress_csv",
    ),
    # The committee's 総評 of the year (confirmed by the chair with the drafts).
    path(
        "cycles/<slug:plan>/<int:year>/summary/",
        summary.committee_summary_edit,
        name="committee_summary",
    ),
    # The committee's meetings of the year: the record, the projector view, the 会議資料.
    path("cycles/<slug:plan>/<int:year>/meetings/", meetings.meeting_list, name="meetings"),
    path(
        "cycles/<slug:plan>/<int:year>/meetings/new/",
        meetings.meeting_edit,
        name="meeting_create",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/meetings/<int:pk>/",
        meetings.meeting_edit,
        name="meeting",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/meetings/<int:pk>/screen/<str:number>/",
        meetings.meeting_screen,
        name="meeting_screen",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/meetings/<int:pk>/material.pdf",
        meetings.meeting_pdf_view,
        name="meeting_pdf",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/measures/<str:number>/",
        records.measure_year,
        name="measure_year",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/measures/<str:number>/self/<slug:body>/",
        records.self_evaluation_edit,
        name="self_evaluation",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/measures/<str:number>/member/",
        records.member_evaluation_moved,
        name="member_evaluation",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/measures/<str:number>/committee/",
        records.committee_evaluation_edit,
        name="committee_evaluation",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/measures/<str:number>/committee/confirm/",
        records.committee_evaluation_confirm,
        name="committee_confirm",
    ),
    # The chair's review of every draft, and send-backs.
    path("cycles/<slug:plan>/<int:year>/review/", review.committee_review, name="committee_review"),
    path(
        "cycles/<slug:plan>/<int:year>/review/confirm/",
        review.committee_review_confirm,
        name="committee_review_confirm",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/measures/<str:number>/committee/send-back/",
        review.committee_send_back,
        name="committee_send_back",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/projects/<slug:code>/report/review/",
        review.report_review,
        name="report_review",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/measures/<str:number>/self/<slug:body>/review/",
        review.self_evaluation_review,
        name="self_evaluation_review",
    ),
    # 委員会意見への対応状況.
    path(
        "cycles/<slug:plan>/<int:year>/follow-ups/",
        follow_ups.follow_up_report,
        name="follow_up_report",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/follow-ups.xlsx",
        follow_ups.follow_up_xlsx,
        name="follow_up_xlsx",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/follow-ups.pdf",
        follow_ups.follow_up_pdf,
        name="follow_up_pdf",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/follow-ups.csv",
        follow_ups.follow_up_csv,
        name="follow_up_csv",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/follow-ups/<int:pk>/",
        follow_ups.follow_up_edit,
        name="follow_up",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/follow-ups/<int:pk>/points/",
        follow_ups.follow_up_points,
        name="follow_up_points",
    ),
    # The member's scoring pages.
    path("cycles/<slug:plan>/<int:year>/scoring/", scoring.scoring_list, name="scoring_list"),
    path(
        "cycles/<slug:plan>/<int:year>/scoring/<str:number>/",
        scoring.scoring_page,
        name="scoring",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/projects/<slug:code>/report/",
        records.report_edit,
        name="report",
    ),
    path("plans/<slug:plan>/projects/", projects.project_list_view, name="projects"),
    path("plans/<slug:plan>/words/", plan_words.plan_words, name="plan_words"),
    path("projects/new/<slug:plan>/", projects.project_create, name="project_create"),
    path("projects/continue/<slug:plan>/", projects.project_continue, name="project_continue"),
    path("projects/<slug:code>/", projects.project_detail, name="project"),
    path("projects/<slug:code>/edit/", projects.project_edit, name="project_edit"),
    path(
        "projects/<slug:code>/uncontinue/", projects.project_uncontinue, name="project_uncontinue"
    ),
    # 評価表: print view, downloads and import.
    path("cycles/<slug:plan>/<int:year>/sheet/", sheet.sheet_print, name="sheet_print"),
    path("cycles/<slug:plan>/<int:year>/sheet.xlsx", sheet.sheet_xlsx, name="sheet_xlsx"),
    path("cycles/<slug:plan>/<int:year>/sheet.csv", sheet.sheet_csv, name="sheet_csv"),
    path("cycles/<slug:plan>/<int:year>/sheet.pdf", sheet.sheet_pdf_view, name="sheet_pdf"),
    # The machine-readable CSV, one file per level, and the guide to their columns.
    *(
        path(
            f"cycles/<slug:plan>/<int:year>/sheet-{level}.csv",
            sheet.sheet_level_csv,
            {"level": level},
            name=f"sheet_csv_{level}",
        )
        for level in ("measures", "projects", "indicators", "columns")
    ),
    path(
        "cycles/<slug:plan>/<int:year>/sheet/import/",
        sheet.sheet_import,
        name="sheet_import",
    ),
    path(
        "cycles/<slug:plan>/<int:year>/sheet/import/confirm/",
        sheet.sheet_import_confirm,
        name="sheet_import_confirm",
    ),
    # Dashboard and 参考指標.
    path("dashboard/<slug:plan>/", dashboard.dashboard_trends, name="dashboard_trends"),
    path("dashboard/<slug:plan>/<int:year>/", dashboard.dashboard_year, name="dashboard"),
    path("indicators/<slug:plan>/", indicators.indicator_list, name="indicators"),
    path("indicators/<slug:plan>/new/", indicators.indicator_edit, name="indicator_create"),
    path(
        "indicators/<slug:plan>/<int:pk>/edit/",
        indicators.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "indicators/<slug:plan>/<int:pk>/<int:year>/",
        indicators.indicator_value_edit,
        name="indicator_value_edit",
    ),
]
