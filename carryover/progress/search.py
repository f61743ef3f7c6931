"""Finding a client's own entries by the words they wrote, without ever storing those words unencrypted.

Entries are decrypted in this request only, for their owner, and compared as `homework.patterns.same_words` compares
text (case, accents, width and spacing aside), so "cafe" finds "Café". No index, cache or log of the words or of what
was searched for is kept: the search arrives in a POST body (never in a URL) and leaves with the response.
"""

from __future__ import annotations

from collections.abc import Iterable

from carryover.homework.fields import ATTACHMENT_TYPES
from carryover.homework.models import Entry
from carryover.homework.patterns import same_words
from carryover.homework.render import display_answers

MAX_SEARCH = 200  # characters: a few words or a sentence; more is a paste, not a search
MAX_RESULTS = 50  # the newest matches; a month or an activity narrows the rest down
SNIPPET = 140
TEXT_TYPES = frozenset({"short_text", "long_text"})


def _answer_texts(entry: Entry) -> Iterable[tuple[str, str]]:
    """(field type, text) of each answer as the client reads it, in the worksheet's order."""
    for step in display_answers(entry.template_version.schema, entry.answers):
        for item in step["items"]:
            kind, value = item["field"]["type"], item["value"]
            if kind in ATTACHMENT_TYPES:
                continue
            if isinstance(value, list):
                yield from ((kind, str(row["text"])) for row in value)
            else:
                yield kind, str(value)


def entry_words(entry: Entry) -> str:
    """Everything the client wrote in the entry, as one text: answers, and what they said got in the way."""
    return " ".join([*(text for _, text in _answer_texts(entry)), str(entry.content.get("barrier_other", ""))])


def snippet(entry: Entry) -> str:
    """The start of the first thing written in words, for the list of entries."""
    text = next((text for kind, text in _answer_texts(entry) if kind in TEXT_TYPES and text.strip()), "")
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1].rstrip() + "…"


def search_terms(text: str) -> list[str]:
    """The words to look for; punctuation, control characters and spacing are not words."""
    return same_words(text).split()


def matching(entries: Iterable[Entry], terms: list[str]) -> list[Entry]:
    """The entries containing every term (anywhere in a word: "anx" finds "anxious"), newest first as given."""
    found = []
    for entry in entries:
        words = same_words(entry_words(entry))
        if all(term in words for term in terms):
            found.append(entry)
            if len(found) == MAX_RESULTS:
                break
    return found
