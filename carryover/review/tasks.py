"""The worker's side of review: the summary's PDF built ahead, while the therapist reads the summary page.

A summary page view queues `build_summary_pdf` for the PDF its "Download PDF" link asks for (the same dates, the
practice's paper); the worker builds it through `pdf.summary_pdf`, which keeps it for the state it shows and builds
at most one per client at a time, so the click finds it kept (issue 18: PDF first click ≤ 400 ms). Nothing is
built twice for one state: a PDF already kept is only looked up, and a build under way (the click came first)
makes the task give way. The PDF reaches nobody from here: the download view checks access and audits the export.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone, translation
from django_tasks import task

from carryover.accounts.models import Membership, User
from carryover.lib.i18n import language_for

from .pdf import Busy, paper_for, summary_pdf
from .summary import summary_context
from .windows import Window

# One build queued per summary and paper this often at most: a therapist moving between the summary and other
# tabs does not queue one per view (a change in between is still right: the click builds what is not kept).
AHEAD_SECONDS = 60


def summary_pdf_ahead(*, client: Membership, window: Window, reader_id: int) -> None:
    """Queue the PDF that the summary page's "Download PDF" link will ask for."""
    paper = paper_for(client.practice.country, None)
    start, end = window.start.isoformat(), window.end.isoformat()
    key = f"summary-pdf-ahead:{client.pk}:{start}:{end}:{paper}"
    # Looked up first: the database cache counts its whole table on every add, and a view within the minute
    # then writes nothing but its audit row.
    if cache.get(key) is None and cache.add(key, 1, AHEAD_SECONDS):
        build_summary_pdf.enqueue(client.pk, reader_id, start, end, paper)


@task()
def build_summary_pdf(client_id: int, reader_id: int, start: str, end: str, paper: str) -> bool:
    """Build and keep the summary's PDF for these dates, as the download view would (False: nothing to do)."""
    client = Membership.objects.select_related("user", "practice").filter(pk=client_id).first()
    reader = User.objects.filter(pk=reader_id, is_active=True).first()
    if client is None or reader is None:
        return False
    # The PDF is rendered as for the reader's own request: their language, their practice's words, their time zone.
    request = HttpRequest()
    request.user = reader
    with translation.override(language_for(reader)):
        context = {**summary_context(client, {"start": start, "end": end}), "prepared_at": timezone.now()}
        try:
            summary_pdf(context, request=request, paper=paper)
        except Busy:
            return False  # the download view is building it right now
    return True
