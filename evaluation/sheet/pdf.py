"""The 評価表 as a PDF, drawn on the server by WeasyPrint from the print view's own HTML
and stylesheet: A4 landscape, 「3 / 22」 page numbers, each 施策's head (基本施策・施策 and
the column headings) repeated on every page the 施策 continues on, the 発行者 and 作成日.

One font, named by its file (``SHEET_PDF_FONT``, IPAex Gothic from Debian's
``fonts-ipaexfont-gothic``), draws every character: the pages come out the same on every
machine, whatever other Japanese fonts it has.

Nothing else is fetched while drawing: the stylesheet is read from the app's static files
and every other URL is refused, so a PDF never depends on the network or leaks a request.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone

from evaluation.models import Cycle
from policies.fiscal_years import wareki_date

FONT_FAMILY = "IPAexGothicSheet"  # the name the PDF lists its font under (pdffonts)


def font_file() -> Path:
    path = Path(settings.SHEET_PDF_FONT)
    if not path.is_file():
        raise ImproperlyConfigured(
            f"評価表の PDF のフォント {path} がありません。"
            "apt-get install fonts-ipaexfont-gothic で入れるか、SHEET_PDF_FONT で別のフォントを指定してください。"
        )
    return path


def _font_css() -> str:
    """Every element of the PDF, and the page numbers in the margin, in the one font file
    (bold is drawn from the same face)."""
    family = f'font-family: "{FONT_FAMILY}" !important;'
    return (
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{font_file().as_uri()}"); }}\n'
        f"@page {{ {family} @bottom-center {{ {family} }} }}\n"
        f"html, body, body * {{ {family} }}"
    )


def sheet_pdf_html(cycle: Cycle, tables_html: str) -> str:
    """The PDF's page: the rendered 評価表 tables (``_sheet_tables.html``) with the 発行者
    and the 作成日 (today, in 和暦) above them."""
    return render_to_string(
        "evaluation/sheet_pdf.html",
        {
            "cycle": cycle,
            "tables": tables_html,
            "publisher": settings.PUBLISHER,
            "made_on": wareki_date(timezone.localdate()),
        },
    )


def draw_pdf(html: str, stylesheet: str = "evaluation/sheet.css") -> bytes:
    """The PDF of a page rendered by ``sheet_pdf_html`` (or another page, such as the 会議資料,
    with its own ``stylesheet`` among the static files), in the one font; reads no database."""
    # Imported here: WeasyPrint loads pango on first use.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    font_uri = font_file().as_uri()

    class OnlyTheFont(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url != font_uri:
                raise ValueError(f"評価表の PDF は外部のファイルを読み込みません: {url}")
            return super().fetch(url, headers)

    fetcher = OnlyTheFont(allowed_protocols=["file"])
    fonts = FontConfiguration()
    stylesheets = [
        CSS(filename=finders.find(stylesheet), url_fetcher=fetcher),
        CSS(string=_font_css(), url_fetcher=fetcher, font_config=fonts),
    ]
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets, font_config=fonts)


def sheet_pdf(cycle: Cycle, tables_html: str) -> bytes:
    """The PDF of the rendered 評価表 tables (``_sheet_tables.html``)."""
    return draw_pdf(sheet_pdf_html(cycle, tables_html))
