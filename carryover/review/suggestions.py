"""Questions for the session, each following from the numbers in the summary. Curious, not judging: a skipped
task is usually mis-sized, mis-timed, unexplained or a poor fit for the person, so each question offers a fix to
talk about, not a verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from carryover.homework.models import BarrierCode, barrier_label

if TYPE_CHECKING:
    from .summary import AssignmentStats, Summary

# What each barrier suggests talking about.
BARRIER_QUESTIONS = {
    BarrierCode.FORGOT: "anchor it to something they already do every day, or adjust the reminder?",
    BarrierCode.NO_TIME: "make it smaller, or find a better time of day?",
    BarrierCode.UPSETTING: "talk through what came up, or take a smaller step first?",
    BarrierCode.WONT_HELP: "go over again why it helps?",
    BarrierCode.UNSURE_HOW: "clarify the instructions?",
    BarrierCode.PERFECTIONISM: "agree that a rough version counts?",
    BarrierCode.SELF_CRITICAL: "notice the self-criticism together and practise a kinder way to respond?",
    BarrierCode.POOR_FIT: "re-tailor it to their life and goals?",
    BarrierCode.NO_SITUATION: "plan a situation in advance, or practise it in imagination?",
    BarrierCode.LIFE_EVENT: "pause it for now, or agree on a minimum version?",
    BarrierCode.OTHER: "ask what got in the way?",
}
MIN_REPEATS = 2  # a pattern needs at least two occurrences


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def for_assignment(stat: AssignmentStats) -> list[str]:
    title = stat.assignment.title
    questions = [q for q in (_barrier_question(stat), _minutes_question(stat)) if q]
    if stat.mean_helpful is not None and len(stat.helpful) >= MIN_REPEATS and stat.mean_helpful <= 4:
        questions.append(f"“{title}” was rated {stat.mean_helpful:g}/10 for helpfulness: does it fit what they need?")
    if stat.mean_hard is not None and len(stat.hard) >= MIN_REPEATS and stat.mean_hard >= 7:
        questions.append(f"“{title}” felt hard ({stat.mean_hard:g}/10): break it into smaller steps?")
    if stat.missed >= 3 and stat.missed * 2 >= stat.closed:
        questions.append(
            f"“{title}” passed {stat.missed} times without an answer: is the reminder reaching them, is the timing "
            "right?"
        )
    adherence = stat.adherence
    if adherence is not None and stat.closed >= 3 and adherence < 0.5 and not questions:
        questions.append(f"“{title}” was done {int(adherence * 100)}% of the time: what got in the way?")
    return questions


def _barrier_question(stat: AssignmentStats) -> str | None:
    if not stat.barriers:
        return None
    code, n = stat.barriers.most_common(1)[0]
    if n < MIN_REPEATS:
        return None
    question = BARRIER_QUESTIONS.get(code, "ask about it?")
    return f"“{stat.assignment.title}” wasn't done {_times(n)} with “{barrier_label(code)}”: {question}"


def _minutes_question(stat: AssignmentStats) -> str | None:
    estimate, took = stat.assignment.minutes, stat.mean_minutes
    if took is None or len(stat.minutes) < MIN_REPEATS or not estimate:
        return None
    said = f"“{stat.assignment.title}”: estimated {estimate} min, took {took:.0f} on average"
    if took >= estimate * 1.5 and took - estimate >= 5:
        return f"{said}: shorten it?"
    if took <= estimate * 0.5 and estimate - took >= 5:
        return f"{said}: is it being rushed, or could it be planned shorter?"
    return None


def suggestions_for(summary: Summary) -> list[str]:
    questions = [
        f"They said “{n.assignment.title}” isn't working ({n.get_reason_display().lower()}): adjust it together?"
        for n in summary.notices
    ]
    if summary.flagged:
        count = len(summary.flagged)
        questions.append(
            f"{count} entr{'ies' if count != 1 else 'y'} flagged “talk about this”: start with "
            f"{'these' if count != 1 else 'it'}?"
        )
    for stat in summary.assignments:
        questions += for_assignment(stat)
    return questions
