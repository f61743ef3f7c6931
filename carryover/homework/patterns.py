"""The arithmetic of what the worksheets recorded: the one home of every pattern shown from entries' answers.

The client's own My progress pages and the therapist's pictures (review/instruments.py) both read their numbers
here: hot thoughts that recur, belief and moods before and after a thought record, exposure distress per ladder
step ("the peak came down from 80 to 45"), which activities brought the most mastery and pleasure, tension before
and after relaxation, a sleep diary's time in bed, time asleep and efficiency, what got in the way, what was done
on the days practice went well, and the days of a week with any practice.

Every function is pure: it takes entries the caller already fetched (whose, and whether private ones are among them,
is the caller's decision: a client's own page shows their private entries, review never passes them) and does no
query. Which worksheet and which answer a pattern reads is declared by the built-ins themselves (`charts` in
builtin.py, checked against each schema at import) and read here through `charted`, so a renamed answer fails
loudly rather than quietly showing nothing. Tested on hand-built data in homework/tests/test_patterns.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

from .builtin import charted
from .models import Entry, Outcome, barrier_counts

# template key → {role: answer key}; "list.sub" is a column of a list
EXPOSURE = charted("exposure", ("step", "before", "peak", "after"))
RERATED_MOODS = charted("rerated_moods", ("moods", "mood", "before", "after"))
HOT_THOUGHT = charted("hot_thought", ("thought", "belief", "belief_after"))
TENSION = charted("tension", ("before", "after"))
ACTIVITY_RATINGS = charted("activity_ratings")  # template key → {label: answer key}
ACTIVITY_NAME = charted("activity_name", ("name",))
SLEEP = charted("sleep", ("into_bed", "try_sleep", "fall_asleep", "awake", "final_wake", "out_of_bed"))

RECURS = 2  # a hot thought written down this many times or more is one that recurs
WENT_WELL_HELPFUL = 7  # of 10: "how helpful was it" from here up, or mood lifted, is a practice that went well


def rating_value(answer: Any) -> float | None:
    """A rating's number ({"value", "min", "max"}) or a plain number; anything else is no number."""
    if isinstance(answer, dict):
        answer = answer.get("value")
    return answer if isinstance(answer, int | float) and not isinstance(answer, bool) else None


def template_key(entry: Entry) -> str:
    return entry.template_version.template.key


def same_words(text: str) -> str:
    """Text as compared: the same letters whatever the case, accents, width or spacing ("I'm  USELESS." and
    "i’m useless" are one thought)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2018", "'"))  # phones type ’
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s']", " ", letters.casefold()).split())


def mean_of(values: Iterable[float | None]) -> float | None:
    """The mean of the numbers given, to one place; None when there are none."""
    present = [v for v in values if v is not None]
    return round(mean(present), 1) if present else None


# --- Exposure: distress per ladder step -----------------------------------------------------------------------


@dataclass(frozen=True)
class Trial:
    """One practice of a ladder step: SUDS before, at the peak and after (0–100)."""

    entry: Entry
    before: float | None
    peak: float | None
    after: float | None


@dataclass
class LadderStep:
    item_id: int
    name: str
    trials: list[Trial] = field(default_factory=list)

    def peak_change(self) -> tuple[float, float] | None:
        """The peak at the first practice and at the latest, once there are two practices with a peak."""
        peaks = [t.peak for t in self.trials if t.peak is not None]
        return (peaks[0], peaks[-1]) if len(peaks) >= 2 else None

    def peak_came_down(self) -> bool:
        change = self.peak_change()
        return change is not None and change[1] < change[0]


def exposure_steps(entries: Iterable[Entry]) -> list[LadderStep]:
    """Each ladder step practised, with its practices in the order given (oldest first), ordered by first practice.
    The step's name is the one it had when last practised (a client may reword a rung)."""
    steps: dict[int, LadderStep] = {}
    for entry in entries:
        keys = EXPOSURE.get(template_key(entry))
        item = entry.answers.get(keys["step"]) if keys else None
        if keys is None or not isinstance(item, dict) or not isinstance(item.get("id"), int):
            continue
        step = steps.setdefault(item["id"], LadderStep(item["id"], ""))
        step.name = str(item.get("description") or "a ladder step")
        before, peak, after = (rating_value(entry.answers.get(keys[role])) for role in ("before", "peak", "after"))
        step.trials.append(Trial(entry, before, peak, after))
    return list(steps.values())


# --- Thought records: hot thoughts, belief and moods ------------------------------------------------------------


def rerated_pairs(entry: Entry, keys: Mapping[str, str]) -> list[tuple[float, float]]:
    """Each mood's intensity before and after re-rating, where both were given."""
    mood, intensity = keys["mood"].partition(".")[2], keys["before"].partition(".")[2]
    rerated = {row.get("label"): rating_value(row) for row in entry.answers.get(keys["after"]) or []}
    pairs: list[tuple[float, float]] = []
    for item in entry.answers.get(keys["moods"]) or []:
        b, a = rating_value(item.get(intensity)), rerated.get(item.get(mood))
        if b is not None and a is not None:
            pairs.append((b, a))
    return pairs


@dataclass(frozen=True)
class ThoughtRecord:
    entry: Entry
    hot_thought: str  # "" when none was marked
    belief_before: float | None  # belief in the hot thought when written, 0–100
    belief_after: float | None  # and at the end of the record
    mood_before: float | None  # the mean intensity of the moods that were re-rated
    mood_after: float | None


def _hot(entry: Entry, keys: Mapping[str, str]) -> tuple[str, float | None]:
    column, _, text_key = keys["thought"].partition(".")
    belief_key = keys["belief"].partition(".")[2]
    for item in entry.answers.get(column) or []:
        if isinstance(item, dict) and item.get("marked"):
            return str(item.get(text_key) or ""), rating_value(item.get(belief_key))
    return "", None


def thought_records(entries: Iterable[Entry]) -> list[ThoughtRecord]:
    """The thought records that name a hot thought or re-rate their moods, in the order given."""
    records = []
    for entry in entries:
        key = template_key(entry)
        hot_keys, mood_keys = HOT_THOUGHT.get(key), RERATED_MOODS.get(key)
        if hot_keys is None and mood_keys is None:
            continue
        text, belief = _hot(entry, hot_keys) if hot_keys else ("", None)
        after = rating_value(entry.answers.get(hot_keys["belief_after"])) if hot_keys else None
        pairs = rerated_pairs(entry, mood_keys) if mood_keys else []
        if text or pairs:
            records.append(
                ThoughtRecord(entry, text, belief, after, mean_of(b for b, _ in pairs), mean_of(a for _, a in pairs))
            )
    return records


@dataclass(frozen=True)
class RecurringThought:
    text: str  # as last written
    times: int
    belief_before: float | None  # mean over the records that rated it
    belief_after: float | None


def recurring_hot_thoughts(records: Iterable[ThoughtRecord], *, at_least: int = RECURS) -> list[RecurringThought]:
    """Hot thoughts written `at_least` times (the same words, whatever the case or punctuation), most often first."""
    groups: dict[str, list[ThoughtRecord]] = defaultdict(list)
    for record in records:
        if same_words(record.hot_thought):
            groups[same_words(record.hot_thought)].append(record)
    recurring = [
        RecurringThought(
            text=group[-1].hot_thought,
            times=len(group),
            belief_before=mean_of(r.belief_before for r in group),
            belief_after=mean_of(r.belief_after for r in group),
        )
        for group in groups.values()
        if len(group) >= at_least
    ]
    return sorted(recurring, key=lambda thought: -thought.times)


# --- Activity logs: which activities brought the most ---------------------------------------------------------


@dataclass(frozen=True)
class ActivityScore:
    name: str  # as last written
    times: int
    ratings: dict[str, float | None]  # rating label → mean, in the worksheet's order
    overall: float  # the mean of those means: what the ranking is by


def activity_ranking(entries: Iterable[Entry]) -> dict[str, list[ActivityScore]]:
    """Per activity-log worksheet (template key), the activities rated, best first: by the mean of their ratings
    (mastery and pleasure, or achievement, closeness and enjoyment), then by how often they were done."""
    by_name: dict[str, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    names: dict[tuple[str, str], str] = {}
    for entry in entries:
        key = template_key(entry)
        if key not in ACTIVITY_RATINGS or key not in ACTIVITY_NAME:
            continue
        name = str(entry.answers.get(ACTIVITY_NAME[key]["name"]) or "")
        if not same_words(name) or not any(rating_value(entry.answers.get(a)) is not None for a in _answers(key)):
            continue
        by_name[key][same_words(name)].append(entry)
        names[key, same_words(name)] = name
    ranking: dict[str, list[ActivityScore]] = {}
    for key, groups in by_name.items():
        scores = []
        for same, group in groups.items():
            ratings = {
                label: mean_of(rating_value(e.answers.get(answer)) for e in group)
                for label, answer in ACTIVITY_RATINGS[key].items()
            }
            overall = round(mean(v for v in ratings.values() if v is not None), 1)
            scores.append(ActivityScore(names[key, same], len(group), ratings, overall))
        ranking[key] = sorted(scores, key=lambda s: (-s.overall, -s.times, same_words(s.name)))
    return ranking


def _answers(key: str) -> list[str]:
    return list(ACTIVITY_RATINGS[key].values())


# --- Relaxation: tension before and after ------------------------------------------------------------------------


@dataclass(frozen=True)
class BeforeAfter:
    times: int  # practices rated both before and after
    before: float  # mean
    after: float
    eased: int  # practices where it was lower after


def tension(entries: Iterable[Entry]) -> BeforeAfter | None:
    pairs = []
    for entry in entries:
        keys = TENSION.get(template_key(entry))
        if keys is None:
            continue
        before, after = (rating_value(entry.answers.get(keys[role])) for role in ("before", "after"))
        if before is not None and after is not None:
            pairs.append((before, after))
    if not pairs:
        return None
    before_mean, after_mean = mean_of(b for b, _ in pairs), mean_of(a for _, a in pairs)
    assert before_mean is not None and after_mean is not None
    return BeforeAfter(len(pairs), before_mean, after_mean, sum(1 for b, a in pairs if a < b))


# --- Sleep diary: the Consensus Sleep Diary's derived numbers ----------------------------------------------------

DAY_MINUTES = 24 * 60
CLOCK = re.compile(r"^\s*(\d{1,2})(?:[:.h](\d{2}))?\s*$")


def clock_minutes(text: Any) -> int | None:
    """ "22:30", "7:05", "7.05", "7h05" or "23" as minutes after midnight; anything else is unreadable (None)."""
    match = CLOCK.match(unicodedata.normalize("NFKC", text)) if isinstance(text, str) else None
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    return hours * 60 + minutes if hours < 24 and minutes < 60 else None


@dataclass(frozen=True)
class Night:
    entry: Entry
    in_bed: int  # minutes, getting into bed to getting out of it (TIB)
    asleep: int  # minutes (TST)
    efficiency: int  # asleep / in bed, as a whole percentage (SE)


def sleep_night(entry: Entry) -> Night | None:
    """One morning's diary as the Consensus Sleep Diary derives it (Carney et al. 2012; docs/clinical-sources.md):
    time in bed (TIB) runs from getting into bed to getting out of it; time asleep (TST) is TIB less the time in bed
    before trying to sleep, the time it took to fall asleep (SOL), the time awake in the night (WASO) and the time
    in bed after the final awakening; efficiency (SE) = TST / TIB × 100. The clock times carry no date: each is the
    first such time after the one before it, so a 23:00 bedtime and a 07:00 wake are eight hours apart. A night
    whose times cannot be read, or whose numbers leave no time asleep, is None: shown as not added up, never guessed.
    """
    keys = SLEEP.get(template_key(entry))
    if keys is None:
        return None
    answers = entry.answers
    times = [clock_minutes(answers.get(keys[role])) for role in ("into_bed", "try_sleep", "final_wake", "out_of_bed")]
    latency, awake = answers.get(keys["fall_asleep"]) or 0, answers.get(keys["awake"]) or 0
    if any(t is None for t in times) or not all(isinstance(m, int) for m in (latency, awake)):
        return None
    into_bed = times[0]
    try_sleep, final_wake, in_bed = ((t - into_bed) % DAY_MINUTES for t in times[1:])  # type: ignore[operator]
    if not try_sleep <= final_wake <= in_bed or in_bed == 0:
        return None
    asleep = (final_wake - try_sleep) - latency - awake
    if asleep <= 0:
        return None
    return Night(entry, in_bed, asleep, round(100 * asleep / in_bed))


def sleep_nights(entries: Iterable[Entry]) -> tuple[list[Night], int]:
    """The nights whose numbers add up, and how many diaries did not."""
    nights, unreadable = [], 0
    for entry in entries:
        if template_key(entry) not in SLEEP:
            continue
        night = sleep_night(entry)
        if night is None:
            unreadable += 1
        else:
            nights.append(night)
    return nights, unreadable


# --- What got in the way, and what was done on the days it went well ---------------------------------------------


def barriers_most_often(entries: Iterable[Entry], n: int = 5) -> list[tuple[str, int]]:
    """The barriers chosen most often, labelled (homework.models is the labels' home)."""
    return barrier_counts(Counter(code for entry in entries for code in entry.barriers), n)


def went_well(entry: Entry) -> bool:
    """Done, and either rated helpful (7 or more of 10) or with mood higher after than before."""
    if entry.outcome != Outcome.DONE:
        return False
    helpful = entry.helpfulness is not None and entry.helpfulness >= WENT_WELL_HELPFUL
    lifted = entry.mood_before is not None and entry.mood_after is not None and entry.mood_after > entry.mood_before
    return helpful or lifted


PARTS_OF_DAY = ((5, "in the morning"), (12, "in the afternoon"), (17, "in the evening"), (22, "at night"))


def part_of_day(hour: int) -> str:
    label = PARTS_OF_DAY[-1][1]  # before 5 in the morning is still night
    for start, name in PARTS_OF_DAY:
        if hour >= start:
            label = name
    return label


@dataclass(frozen=True)
class GoodDays:
    days: int  # days with a practice that went well
    activities: list[tuple[str, int]]  # what was done on those days, most often first
    when: list[tuple[str, int]]  # the part of the day those practices were sent, most often first


def good_days(entries: Iterable[Entry], zone: ZoneInfo, *, title_of) -> GoodDays:
    """What was done on the days practice went well: every practice sent on such a day (not only the one that
    went well: the day is the unit), named by `title_of(entry)`, and when in the day the ones that went well were
    sent, in the client's time zone."""
    entries = list(entries)
    days = {entry.done_on for entry in entries if went_well(entry)}
    done = Counter(title_of(e) for e in entries if e.done_on in days and e.outcome != Outcome.SKIPPED)
    when = Counter(part_of_day(e.submitted_at.astimezone(zone).hour) for e in entries if went_well(e))
    return GoodDays(len(days), done.most_common(5), when.most_common(2))


# --- A week: the days with any practice ------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekDay:
    day: date
    practice: str  # "done" (some practice done in full), "part" (only part of it), or "" (none)


@dataclass(frozen=True)
class Week:
    start: date  # a Monday
    days: list[WeekDay]

    @property
    def practised(self) -> int:
        """Days with any practice, part of it included."""
        return sum(1 for d in self.days if d.practice)

    @property
    def part(self) -> int:
        """Days when what was done was part of it."""
        return sum(1 for d in self.days if d.practice == "part")


def week_of(entries: Iterable[Entry], start: date) -> Week:
    """The seven days from `start` (a Monday): a day counts with any entry done or partly done on it (a skipped
    one is not practice). No run of days is counted: a day without practice takes nothing away."""
    practice: dict[date, str] = {}
    for entry in entries:
        if entry.outcome == Outcome.DONE:
            practice[entry.done_on] = "done"
        elif entry.outcome == Outcome.PARTIAL:
            practice.setdefault(entry.done_on, "part")
    days = [start + timedelta(days=n) for n in range(7)]
    return Week(start, [WeekDay(day, practice.get(day, "")) for day in days])


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
