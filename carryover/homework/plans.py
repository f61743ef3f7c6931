"""The words of an if-then plan and a minimum version, in one form however they were typed.

The assign form asks "After I…" and "I will…", and people type the whole phrase anyway ("After I finish dinner",
"I'll sit on the bed"); the demo's minimum version starts "Short on time?" and the page adds it again. These
functions run on save (homework/forms.py) and on display (`Assignment.plan`, `Assignment.minimum`), so text saved
before them reads right too. Held by homework/tests/test_plans.py with the phrasings people type.
"""

from __future__ import annotations

import re

# A routine that already says when it happens ("after dinner", "when I get home") keeps its own words.
_WHEN_WORDS = re.compile(r"^(after|when|whenever|before|once|as soon as|every|each|at|on|if|while)\b", re.IGNORECASE)
_AFTER_I = re.compile(r"^(after\s+i\b[\s,.…]*)+", re.IGNORECASE)
_I_WILL = re.compile(r"^((i\s+will|i'll|i’ll|i\s+shall|then\s+i\s+will|then\s+i'll|then)\b[\s,.…]*)+", re.IGNORECASE)
_SHORT_ON_TIME = re.compile(r"^(short on time\?*[\s,.:…-]*)+", re.IGNORECASE)
_TRAILING = re.compile(r"[\s,.;:…]+$")


def _tidy(text: str) -> str:
    return _TRAILING.sub("", " ".join((text or "").split()))


def plan_when(text: str) -> str:
    """The routine as a phrase that starts the plan: "finish dinner" and "After I After I finish dinner" both
    become "After I finish dinner"; "after dinner" stays "After dinner", and "dinner" becomes it."""
    text = _tidy(text)
    if not text:
        return ""
    core = _AFTER_I.sub("", text)
    if core != text:
        return f"After I {core}" if core else ""
    if _WHEN_WORDS.match(text):
        return text[0].upper() + text[1:]
    if " " not in text:  # a moment of the day, not something done: "dinner", "work"
        return f"After {text}"
    return f"After I {text}"


def plan_then(text: str) -> str:
    """What the client will do, as a phrase that starts "I will": "I'll sit", "I will I will sit" and "sit" all
    become "I will sit"."""
    core = _I_WILL.sub("", _tidy(text))
    return f"I will {core}" if core else ""


def plan_sentence(when: str, then: str) -> str:
    """The whole plan as the client reads it: "After I finish dinner, I will sit on the bed." ("" without one)."""
    when, then = plan_when(when), plan_then(then)
    if not when and not then:
        return ""
    return f"{when or 'At a time that suits me'}, {then or 'I will do it'}."


def minimum_text(text: str) -> str:
    """A minimum version without its own "Short on time?" (the page says that once, before it)."""
    core = _SHORT_ON_TIME.sub("", (text or "").strip())
    return core[:1].upper() + core[1:]
