"""Serving a published year from its edition: one row read, nothing rendered.

Every request for a page or file of a year (a route with a ``plan`` and a ``year``) first
looks for the file of that URL in the edition the public is served (``EditionFile.objects
.served()``: the newest published edition of a year that is 公開). Anonymous visitors get
every page and file from there; logged-in people get the downloads from there and their
own live pages (which show what their role may do with the year). The PDF is therefore
never drawn on a citizen's click. A URL that the edition does not hold goes to its view.
"""

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response

from publication.models import EditionFile

PREVIOUS = "?previous=1"
READS = frozenset({"GET", "HEAD"})


def stored_response(request: HttpRequest, stored: EditionFile) -> HttpResponse:
    """The stored bytes with the headers they were rendered with, the edition's number,
    and the SHA-256 as the ETag (a revisit costs a 304)."""
    etag = f'"{stored.sha256}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type)
    if stored.disposition:
        response["Content-Disposition"] = stored.disposition
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    response["X-Edition"] = str(stored.edition_number)
    return response


class EditionMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method not in READS or not {"plan", "year"} <= view_kwargs.keys():
            return None
        path = request.path_info
        if request.user.is_authenticated and path.endswith("/"):
            return None  # a page (files end in their extension): logged-in people's own
        wanted = [path + PREVIOUS, path] if request.GET.get("previous") == "1" else [path]
        files = EditionFile.objects.served().filter(path__in=wanted, public=True)
        found = {
            f.path: f
            for f in files.annotate(edition_number=F("edition__number")).only(
                "path", "content", "content_type", "disposition", "sha256"
            )
        }
        stored = next((found[p] for p in wanted if p in found), None)
        return stored_response(request, stored) if stored else None
