"""Questions for the session, each following from the numbers in the summary. Curious, not judging: a skipped
task is usually mis-sized, mis-timed, unexplained or a poor fit for the person, so each question offers a fix to
talk about, not a verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from carryover.homework.models import BarrierCode, barrier_label

if TYPE_CHECKING:
    from .summary import AssignmentStats, Summary

# What each barrier suggests talking about.
BARRIER_QUESTIONS = {
    BarrierCode.FORGOT: _("anchor it to something they already do every day, or adjust the reminder?"),
    BarrierCode.NO_TIME: _("make it smaller, or find a better time of day?"),
    BarrierCode.UPSETTING: _("talk through what came up, or take a smaller step first?"),
    BarrierCode.WONT_HELP: _("go over again why it helps?"),
    BarrierCode.UNSURE_HOW: _("clarify the instructions?"),
    BarrierCode.PERFECTIONISM: _("agree that a rough version counts?"),
    BarrierCode.SELF_CRITICAL: _("notice the self-criticism together and practise a kinder way to respond?"),
    BarrierCode.POOR_FIT: _("re-tailor it to their life and goals?"),
    BarrierCode.NO_SITUATION: _("plan a situation in advance, or practise it in imagination?"),
    BarrierCode.LIFE_EVENT: _("pause it for now, or agree on a minimum version?"),
    BarrierCode.OTHER: _("ask what got in the way?"),
}
MIN_REPEATS = 2  # a pattern needs at least two occurrences


def for_assignment(stat: AssignmentStats) -> list[str]:
    title = stat.assignment.title
    questions = [q for q in (_barrier_question(stat), _minutes_question(stat)) if q]
    if stat.mean_helpful is not None and len(stat.helpful) >= MIN_REPEATS and stat.mean_helpful <= 4:
        questions.append(
            gettext("“%(title)s” was rated %(rating)s/10 for helpfulness: does it fit what they need?")
            % {"title": title, "rating": f"{stat.mean_helpful:g}"}
        )
    if stat.mean_hard is not None and len(stat.hard) >= MIN_REPEATS and stat.mean_hard >= 7:
        questions.append(
            gettext("“%(title)s” felt hard (%(rating)s/10): break it into smaller steps?")
            % {"title": title, "rating": f"{stat.mean_hard:g}"}
        )
    if stat.missed >= 3 and stat.missed * 2 >= stat.closed:
        questions.append(
            gettext(
                "“%(title)s” passed %(n)s times without an answer: is the reminder reaching them, is the timing right?"
            )
            % {"title": title, "n": stat.missed}
        )
    adherence = stat.adherence
    if adherence is not None and stat.closed >= 3 and adherence < 0.5 and not questions:
        questions.append(
            gettext("“%(title)s” was done %(percent)s%% of the time: what got in the way?")
            % {"title": title, "percent": int(adherence * 100)}
        )
    return questions


def _barrier_question(stat: AssignmentStats) -> str | None:
    if not stat.barriers:
        return None
    code, n = stat.barriers.most_common(1)[0]
    if n < MIN_REPEATS:
        return None
    words = {
        "title": stat.assignment.title,
        "n": n,
        "barrier": barrier_label(code),
        "question": BARRIER_QUESTIONS.get(code, _("ask about it?")),
    }
    if n == 2:
        return gettext("“%(title)s” wasn't done twice with “%(barrier)s”: %(question)s") % words
    return gettext("“%(title)s” wasn't done %(n)s times with “%(barrier)s”: %(question)s") % words


def _minutes_question(stat: AssignmentStats) -> str | None:
    estimate, took = stat.assignment.minutes, stat.mean_minutes
    if took is None or len(stat.minutes) < MIN_REPEATS or not estimate:
        return None
    words = {"title": stat.assignment.title, "estimate": estimate, "took": f"{took:.0f}"}
    if took >= estimate * 1.5 and took - estimate >= 5:
        return gettext("“%(title)s”: estimated %(estimate)s min, took %(took)s on average: shorten it?") % words
    if took <= estimate * 0.5 and estimate - took >= 5:
        return (
            gettext(
                "“%(title)s”: estimated %(estimate)s min, took %(took)s on average: is it being rushed, or could it "
                "be planned shorter?"
            )
            % words
        )
    return None


def suggestions_for(summary: Summary) -> list[str]:
    questions = [
        gettext("They said “%(title)s” isn't working (%(reason)s): adjust it together?")
        % {"title": n.assignment.title, "reason": n.get_reason_display().lower()}
        for n in summary.notices
    ]
    if summary.flagged:
        count = len(summary.flagged)
        questions.append(
            ngettext(
                "%(count)s entry flagged “talk about this”: start with it?",
                "%(count)s entries flagged “talk about this”: start with these?",
                count,
            )
            % {"count": count}
        )
    for stat in summary.assignments:
        questions += for_assignment(stat)
    return questions
