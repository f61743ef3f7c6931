"""The arithmetic of every pattern (homework/patterns.py), on entries built by hand, with the expected numbers worked
out by hand beside them. No database: the rules are pure functions over entries the caller already has."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from carryover.homework import patterns
from carryover.homework.models import Entry, Outcome, Template, TemplateVersion
from carryover.review import instruments

MONDAY = date(2026, 3, 2)


def entry(key: str, answers: dict | None = None, *, day: date = MONDAY, outcome: str = Outcome.DONE, **fields) -> Entry:
    version = TemplateVersion(template=Template(key=key), name=key, schema={"steps": []})
    return Entry(template_version=version, content={"answers": answers or {}}, done_on=day, outcome=outcome, **fields)


def rating(value: int, low: int = 0, high: int = 100) -> dict:
    return {"value": value, "min": low, "max": high}


def thought_record(hot: str, belief: int, after: int, mood: tuple[int, int] = (80, 40), other: str = "x") -> Entry:
    return entry(
        "thought_record_7",
        {
            "emotions": [{"emotion": "anxious", "intensity": rating(mood[0])}],
            "thoughts": [
                {"thought": other, "belief": rating(90)},
                {"thought": hot, "belief": rating(belief), "marked": True},
            ],
            "hot_belief_after": rating(after),
            "emotions_after": [{"label": "anxious", "value": mood[1], "min": 0, "max": 100}],
        },
    )


def test_hot_thoughts_recur_whatever_the_case_and_punctuation():
    records = patterns.thought_records(
        [
            thought_record("I'm useless.", 80, 50, mood=(80, 40)),
            thought_record("i'm   USELESS", 70, 40, mood=(60, 50)),
            thought_record("They'll laugh at me", 90, 60),
            thought_record("I’m useless!", 60, 30),  # a phone's typographic apostrophe: the same words
            thought_record("I am useless", 60, 30),  # other words: another thought
        ]
    )
    assert [(r.belief_before, r.belief_after, r.mood_before, r.mood_after) for r in records[:2]] == [
        (80, 50, 80, 40),
        (70, 40, 60, 50),
    ]
    # Not the unmarked thought (belief 90): the one marked hot.
    assert {r.belief_before for r in records} == {80, 70, 90, 60}
    (recurring,) = patterns.recurring_hot_thoughts(records)
    assert recurring.text == "I’m useless!"  # as last written
    assert recurring.times == 3
    assert recurring.belief_before == 70  # (80 + 70 + 60) / 3
    assert recurring.belief_after == 40  # (50 + 40 + 30) / 3
    assert patterns.recurring_hot_thoughts(records, at_least=4) == []


def test_a_thought_record_without_a_hot_thought_or_re_ratings_is_no_pattern():
    bare = entry("thought_record_7", {"situation": "A meeting"})
    unmarked = entry("thought_record_7", {"thoughts": [{"thought": "x", "belief": rating(50)}]})
    assert patterns.thought_records([bare, unmarked, entry("journal", {"entry": "x"})]) == []


def exposure(step: int, before: int, peak: int, after: int, *, day: date = MONDAY, name: str = "Say hello") -> Entry:
    return entry(
        "exposure_practice",
        {
            "ladder_item": {"id": step, "description": name, "suds": 50},
            "suds_before": rating(before),
            "suds_peak": rating(peak),
            "suds_after": rating(after),
        },
        day=day,
    )


def test_the_peak_of_each_ladder_step_from_the_first_practice_to_the_latest():
    steps = patterns.exposure_steps(
        [
            exposure(1, 60, 80, 50),
            exposure(2, 70, 85, 60, name="Ask a question in a meeting"),
            exposure(1, 50, 60, 30, day=MONDAY + timedelta(days=2)),
            exposure(1, 40, 45, 20, day=MONDAY + timedelta(days=4), name="Say hello first"),
            exposure(3, 30, 40, 20),
            exposure(3, 30, 50, 20),
            entry("exposure_practice", {"ladder_item": "not a step", "suds_peak": rating(99)}),
        ]
    )
    assert [(s.item_id, s.name, len(s.trials)) for s in steps] == [
        (1, "Say hello first", 3),  # the name it had when last practised
        (2, "Ask a question in a meeting", 1),
        (3, "Say hello", 2),
    ]
    first, one, rising = steps
    assert first.peak_change() == (80, 45) and first.peak_came_down()
    assert [t.before for t in first.trials] == [60, 50, 40] and [t.after for t in first.trials] == [50, 30, 20]
    assert one.peak_change() is None and not one.peak_came_down()  # one practice: nothing to compare yet
    assert rising.peak_change() == (40, 50) and not rising.peak_came_down()
    # The therapist's picture of the same step reads the same numbers (one home, not a second copy).
    (chart,) = [c for c in instruments.exposure([exposure(1, 60, 80, 50), exposure(1, 40, 45, 20)])]
    assert "Peak distress went from 80 at the first to 45 at the latest" in chart.alt


def activity(name: str, mastery: int | None, pleasure: int | None, key: str = "activity_log") -> Entry:
    answers: dict = {"activity": name, "status": "done"}
    if mastery is not None:
        answers["mastery"] = rating(mastery, 0, 10)
    if pleasure is not None:
        answers["pleasure"] = rating(pleasure, 0, 10)
    return entry(key, answers)


def test_activities_ranked_by_their_mean_mastery_and_pleasure():
    ranking = patterns.activity_ranking(
        [
            activity("Walk in the park", 6, 8),
            activity("walk in the park ", 8, 8),  # the same activity, however it is typed
            activity("Washing up", 7, 2),
            activity("Call Mum", 5, 10),
            activity("Planned: gym", None, None),  # planned, not rated: not ranked
            entry(
                "activity_log_ace",
                {
                    "activity": "Lunch with Ana",
                    **{k: rating(8, 0, 10) for k in ("achievement", "closeness", "enjoyment")},
                },
            ),
        ]
    )
    rows = [(s.name, s.times, s.ratings, s.overall) for s in ranking["activity_log"]]
    assert rows == [
        ("walk in the park ", 2, {"Achievement (mastery)": 7, "Enjoyment (pleasure)": 8}, 7.5),
        ("Call Mum", 1, {"Achievement (mastery)": 5, "Enjoyment (pleasure)": 10}, 7.5),  # ties: done more often first
        ("Washing up", 1, {"Achievement (mastery)": 7, "Enjoyment (pleasure)": 2}, 4.5),
    ]
    (ace,) = ranking["activity_log_ace"]
    assert ace.ratings == {"Achievement": 8, "Closeness": 8, "Enjoyment": 8} and ace.overall == 8


def test_tension_before_and_after_relaxation():
    practices = [
        entry("relaxation", {"tension_before": rating(6, 0, 10), "tension_after": rating(3, 0, 10)}),
        entry("relaxation", {"tension_before": rating(5, 0, 10), "tension_after": rating(5, 0, 10)}),
        entry("relaxation", {"tension_before": rating(7, 0, 10)}),  # not rated after: left out
    ]
    result = patterns.tension(practices)
    assert result == patterns.BeforeAfter(times=2, before=5.5, after=4, eased=1)
    assert patterns.tension([entry("journal")]) is None


def night(into: str, attempt: str, latency, awake, final: str, out: str) -> Entry:
    answers = {"bed_time": into, "lights_out": attempt, "final_wake": final, "out_of_bed": out}
    answers |= {"fall_asleep": latency, "awake_minutes": awake}
    return entry("sleep_diary", {k: v for k, v in answers.items() if v is not None})


@pytest.mark.parametrize(
    ("diary", "in_bed", "asleep", "efficiency"),
    [
        # Into bed 23:00, trying to sleep 23:30, 30 min to fall asleep, 30 min awake in the night, final awakening
        # 06:30, out of bed 07:00. TIB = 8 h = 480 min. TST = 480 − 30 (in bed before trying) − 30 (SOL)
        # − 30 (WASO) − 30 (in bed after the final awakening) = 360 min. SE = 360 / 480 = 75%.
        (night("23:00", "23:30", 30, 30, "06:30", "07:00"), 480, 360, 75),
        # A bedtime after midnight, straight through: TIB 00:30→07:30 = 420; TST 420 − 15 (SOL) = 405; SE 96.4 → 96%.
        (night("00:30", "0:30", 15, 0, "7:30", "7.30"), 420, 405, 96),
        # Awakenings not given (optional in the diary) count as none: TIB 22:00→06:00 = 480, TST 480 − 60 = 420.
        (night("22:00", "22:00", 60, None, "06:00", "06:00"), 480, 420, 88),  # 87.5% rounds to 88
        # Full-width digits, as a phone keyboard may type them.
        (night("２３:００", "23:00", 0, 0, "07:00", "07:00"), 480, 480, 100),
    ],
)
def test_sleep_efficiency_as_the_consensus_sleep_diary_defines_it(diary, in_bed, asleep, efficiency):
    result = patterns.sleep_night(diary)
    assert result is not None
    assert (result.in_bed, result.asleep, result.efficiency) == (in_bed, asleep, efficiency)


@pytest.mark.parametrize(
    "diary",
    [
        night("late", "23:30", 30, 0, "06:30", "07:00"),  # a time that isn't a time
        night("23:00", "23:30", 30, 0, "25:10", "07:00"),
        night("23:00", "23:30", 500, 30, "06:30", "07:00"),  # more time falling asleep than in bed: no sleep left
        night("23:00", "05:00", 0, 0, "04:00", "07:00"),  # woke before trying to sleep
        night("23:00", "23:00", 0, 0, "23:00", "23:00"),  # no time in bed at all
    ],
)
def test_a_night_whose_numbers_do_not_add_up_is_not_guessed(diary):
    assert patterns.sleep_night(diary) is None
    assert patterns.sleep_nights([diary, night("23:00", "23:30", 30, 30, "06:30", "07:00")])[1] == 1


def test_what_got_in_the_way_most_often_is_labelled_where_barriers_are_labelled():
    skipped = [
        entry("journal", outcome=Outcome.SKIPPED, barriers=codes)
        for codes in (["forgot"], ["forgot", "no_time"], ["no_time"], ["forgot"], ["retired_code"])
    ]
    assert patterns.barriers_most_often(skipped) == [("I forgot", 3), ("No time or energy", 2), ("retired_code", 1)]


def test_what_was_done_on_the_days_it_went_well():
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    at = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 08:00 in London in March
    helpful = entry("relaxation", day=MONDAY, helpfulness=8, submitted_at=at)
    walk_same_day = entry("lifestyle_goal", day=MONDAY, submitted_at=at + timedelta(hours=10))
    lifted = entry("relaxation", day=tuesday, mood_before=3, mood_after=6, submitted_at=at + timedelta(days=1))
    flat = entry("relaxation", day=wednesday, helpfulness=6, mood_before=5, mood_after=5, submitted_at=at)
    part = entry("relaxation", day=wednesday, outcome=Outcome.PARTIAL, helpfulness=10, submitted_at=at)
    result = patterns.good_days(
        [helpful, walk_same_day, lifted, flat, part], ZoneInfo("Europe/London"), title_of=lambda e: template_key(e)
    )
    assert result.days == 2  # Monday and Tuesday; Wednesday's helpful one was only part done
    assert result.activities == [("relaxation", 2), ("lifestyle_goal", 1)]
    assert result.when == [("in the morning", 2)]
    assert [patterns.part_of_day(h) for h in (4, 5, 12, 17, 22)] == [
        "at night",
        "in the morning",
        "in the afternoon",
        "in the evening",
        "at night",
    ]


def template_key(e: Entry) -> str:
    return patterns.template_key(e)


def test_a_week_counts_days_with_any_practice_and_part_of_it_counts():
    days = [MONDAY + timedelta(days=n) for n in range(7)]
    week = patterns.week_of(
        [
            entry("journal", day=days[0]),
            entry("journal", day=days[2], outcome=Outcome.PARTIAL),
            entry("journal", day=days[3], outcome=Outcome.SKIPPED),  # didn't get to it: not practice
            entry("journal", day=days[4], outcome=Outcome.PARTIAL),
            entry("relaxation", day=days[4]),  # done in full on the same day: the day is a done day
        ],
        MONDAY,
    )
    assert [d.practice for d in week.days] == ["done", "", "part", "", "done", "", ""]
    assert (week.practised, week.part) == (3, 1)
    empty = patterns.week_of([], MONDAY)
    assert (empty.practised, empty.part) == (0, 0)
    assert patterns.monday_of(MONDAY + timedelta(days=6)) == MONDAY == patterns.monday_of(MONDAY)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("22:30", 1350), ("7:05", 425), ("07.05", 425), ("7h05", 425), ("23", 1380), (" 0:00 ", 0), ("24:00", None)],
)
def test_clock_times_as_people_type_them(text, minutes):
    assert patterns.clock_minutes(text) == minutes


def test_same_words_ignores_case_accents_width_and_spacing():
    assert patterns.same_words("  Café\u00a0CRÈME. ") == patterns.same_words("cafe creme") == "cafe creme"
    assert patterns.same_words("ＦＵＬＬ width") == "full width"
