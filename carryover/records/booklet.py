"""The readable booklet of an export (HTML in the zip, and the same as a PDF), drawn from the export's own JSON so
the two never say different things."""

from __future__ import annotations

import base64
import logging
from typing import Any

from django.template.loader import render_to_string

from carryover.homework.models import BarrierCode, Outcome, barrier_label
from carryover.homework.schema import field_map
from carryover.measures.instruments import MEASURES

from .models import Audience

# WeasyPrint narrates every step at INFO; a worker's log needs none of it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


def _answers(entry: dict[str, Any], worksheet: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """An entry's answers labelled with the worksheet's own questions where it has them."""
    labels = {key: item.get("label") or key for key, item in field_map((worksheet or {}).get("schema", {})).items()}
    answers = entry["content"].get("answers", {}) if isinstance(entry["content"], dict) else {}
    return [(labels.get(key, key), value) for key, value in answers.items()]


def booklet_context(document: dict[str, Any], files: dict[str, bytes] | None = None) -> dict[str, Any]:
    """What the booklet shows. `files` (zip name -> bytes) embeds images for the PDF, which fetches nothing."""
    sections = document["sections"]
    worksheets = {w["id"]: w for w in document["worksheets"]}
    images = {
        name: f"data:{IMAGE_TYPES[name.rsplit('.', 1)[-1]]};base64,{base64.b64encode(data).decode()}"
        for name, data in (files or {}).items()
        if name.rsplit(".", 1)[-1] in IMAGE_TYPES
    }
    attachments: dict[int, list[dict[str, Any]]] = {}
    for item in sections.get("attachments", []):
        # The HTML sits beside the files in the zip; the PDF can only show what is embedded in it.
        src = images.get(item["file"]) if files is not None else item["file"]
        attachments.setdefault(item["entry_id"], []).append({**item, "src": src})
    entries = [
        {
            **entry,
            "worksheet": worksheets.get(entry["template_version_id"], {}).get("name", ""),
            "outcome_label": dict(Outcome.choices).get(entry["outcome"], entry["outcome"]),
            "barrier_labels": [barrier_label(code) for code in entry["barriers"] if code != BarrierCode.OTHER],
            "answers": _answers(entry, worksheets.get(entry["template_version_id"])),
            "files": attachments.get(entry["id"], []),
        }
        for entry in sorted(sections.get("entries", []), key=lambda e: (e["done_on"], e["id"]))
    ]
    scores = [
        {**r, "name": MEASURES[r["measure"]]["name"] if r["measure"] in MEASURES else r["measure"]}
        for r in sections.get("measure_results", [])
    ]
    return {
        "document": document,
        "account": sections["account"][0],
        "for_client": document["audience"] == Audience.CLIENT,
        "entries": entries,
        "scores": scores,
        "sections": sections,
        "for_pdf": files is not None,
    }


def booklet_html(document: dict[str, Any], files: dict[str, bytes] | None = None) -> str:
    return render_to_string("records/booklet.html", booklet_context(document, files))


def booklet_pdf(document: dict[str, Any], files: dict[str, bytes]) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # As the summary's PDF: nothing is fetched but data: URLs, whatever a client wrote.
    fetcher = URLFetcher(allowed_protocols=("data",), timeout=1)
    return HTML(string=booklet_html(document, files), url_fetcher=fetcher).write_pdf()
