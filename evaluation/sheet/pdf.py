"""The 評価表 as a PDF, drawn on the server by WeasyPrint from the print view's own HTML
and stylesheet: A4 landscape, 「3 / 22」 page numbers, the table head (with the 基本施策
caption) repeated on every page a 基本施策 continues on.

Nothing is fetched while drawing: the stylesheet is read from the app's static files and
every other URL is refused, so a PDF never depends on the network or leaks a request.
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from evaluation.models import Cycle


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"評価表の PDF は外部のファイルを読み込みません: {url}")


def sheet_pdf(cycle: Cycle, tables_html: str) -> bytes:
    """The PDF of the rendered 評価表 tables (``_sheet_tables.html``)."""
    from weasyprint import CSS, HTML  # imported here: it loads pango on first use

    html = render_to_string("evaluation/sheet_pdf.html", {"cycle": cycle, "tables": tables_html})
    stylesheet = CSS(filename=finders.find("evaluation/sheet.css"))
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[stylesheet])
