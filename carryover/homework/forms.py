"""Forms of the homework pages: assigning and editing an activity (and its initial values from a template), "this
isn't working", comments, goals and fear-ladder items."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carryover.lib.widgets import DateInput

from .models import (
    INSTRUCTIONS_MAX_LENGTH,
    RATIONALE_MAX_LENGTH,
    WEEKDAY_NAMES,
    Format,
    Goal,
    NoticeReason,
    ScheduleKind,
    due_before_session,
    open_days,
)
from .plans import minimum_text, plan_then, plan_when
from .services import AssignmentData

TEXT = {"class": "text"}
MAX_PAST_START = timedelta(days=365)


def long_text(limit: int, rows: int) -> forms.Textarea:
    """A textarea with no `maxlength`: a browser would cut pasted text silently at the limit. The form says how
    long it is instead, and app.js counts down near the limit (`data-limit`)."""
    return forms.Textarea(attrs={"rows": rows, "data-limit": limit})


TOO_LONG = {
    "max_length": _(
        "This is %(show_value)d characters; the most is %(limit_value)d. Nothing was cut: please shorten it."
    )
}


class AssignmentForm(forms.Form):
    title = forms.CharField(max_length=120, label=_("Title the client will see"))
    instructions = forms.CharField(
        max_length=INSTRUCTIONS_MAX_LENGTH,
        widget=long_text(INSTRUCTIONS_MAX_LENGTH, 4),
        error_messages=TOO_LONG,
        label=_("Instructions"),
        help_text=_("Concrete and written down: what, when, where, how. Links are fine."),
    )
    rationale = forms.CharField(
        max_length=RATIONALE_MAX_LENGTH,
        widget=long_text(RATIONALE_MAX_LENGTH, 3),
        label=_("Why this helps"),
        error_messages={
            **TOO_LONG,
            "required": _("Please say why this helps — clients who know why are more likely to do it."),
        },
    )
    client_language = forms.ChoiceField(
        choices=[("", "None"), ("es", "Español (Spanish)")],
        required=False,
        label=_("Also in the client's language"),
        help_text=_("A client reading Carryover in this language sees your version below instead; both are kept."),
    )
    instructions_client = forms.CharField(
        max_length=INSTRUCTIONS_MAX_LENGTH,
        required=False,
        widget=long_text(INSTRUCTIONS_MAX_LENGTH, 4),
        error_messages=TOO_LONG,
        label=_("Instructions in the client's language"),
    )
    rationale_client = forms.CharField(
        max_length=RATIONALE_MAX_LENGTH,
        required=False,
        widget=long_text(RATIONALE_MAX_LENGTH, 3),
        error_messages=TOO_LONG,
        label=_("Why this helps, in the client's language"),
    )
    minutes = forms.IntegerField(min_value=1, max_value=240, label=_("About how many minutes"))
    schedule_kind = forms.ChoiceField(choices=ScheduleKind.choices, label=_("How often"), widget=forms.RadioSelect)
    weekdays = forms.TypedMultipleChoiceField(
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        required=False,
        label=_("On these days"),
        widget=forms.CheckboxSelectMultiple,
    )
    times_per_week = forms.IntegerField(min_value=1, max_value=14, required=False, label=_("Times a week"))
    start_date = forms.DateField(label=_("Starting"), widget=DateInput())
    end_date = forms.DateField(required=False, label=_("Until (or, for once, by)"), widget=DateInput())
    confirm_past = forms.BooleanField(required=False, label=_("Yes, start it on this past date"))
    if_when = forms.CharField(
        max_length=200,
        required=False,
        label=_("When: an existing routine"),
        help_text=_("For example “After I brush my teeth at night”."),
    )
    if_then = forms.CharField(
        max_length=200,
        required=False,
        label=_("Then: what they will do"),
        help_text=_("For example “I will write one line”."),
    )
    minimum = forms.CharField(
        max_length=500,
        required=False,
        label=_("Minimum version (short on time?)"),
        help_text=_("“Just write the situation and one thought.”"),
        widget=long_text(500, 2),
        error_messages=TOO_LONG,
    )
    coping = forms.CharField(
        max_length=1000,
        required=False,
        label=_("What might come up, and how to cope"),
        widget=long_text(1000, 2),
        error_messages=TOO_LONG,
    )
    goal = forms.ModelChoiceField(queryset=Goal.objects.none(), required=False, label=_("The goal it serves"))
    formats = forms.MultipleChoiceField(
        choices=Format.choices, required=False, label=_("Ways to answer"), widget=forms.CheckboxSelectMultiple
    )

    risk_alerts = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Alert me when this client gives a risk answer"),
        help_text=_("This worksheet has risk questions. The client is shown crisis lines whatever you choose here."),
    )
    risk_alerts_off_reason = forms.CharField(
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why no alerts for this client"),
        help_text=_("Needed to turn alerts off; kept on record."),
    )

    def __init__(
        self,
        *args,
        goals=None,
        allowed_formats=None,
        optional_risk: bool = False,
        next_session: date | None = None,
        today: date | None = None,
        bound_today: date | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        for bound_field in self.fields.values():
            if "data-limit" in bound_field.widget.attrs:  # see long_text: counted, never cut by the browser
                bound_field.widget.attrs.pop("maxlength", None)
        self.today = today  # the client's today: given when a new assignment's dates are checked against it
        self.bound_today = bound_today or today  # the client's today, for the outer bound on start dates (edits too)
        if not self._past_start_posted():
            del self.fields["confirm_past"]  # asked only once a past start date has been sent
        self.fields["schedule_kind"].help_text = before_session_note(next_session)
        if not optional_risk:  # only a worksheet with optional risk rules has anything to choose
            del self.fields["risk_alerts"], self.fields["risk_alerts_off_reason"]
        goal_field = self.fields["goal"]
        assert isinstance(goal_field, forms.ModelChoiceField)
        goal_field.queryset = goals if goals is not None else Goal.objects.none()
        goal_field.label_from_instance = lambda goal: goal.title  # type: ignore[method-assign,assignment]
        goal_field.empty_label = _("No particular goal")
        formats_field = self.fields["formats"]
        assert isinstance(formats_field, forms.MultipleChoiceField)
        if allowed_formats:
            formats_field.choices = [c for c in Format.choices if c[0] in allowed_formats]

    def clean(self):
        cleaned = super().clean() or {}
        kind, start, end = cleaned.get("schedule_kind"), cleaned.get("start_date"), cleaned.get("end_date")
        if kind == ScheduleKind.WEEKDAYS and not cleaned.get("weekdays"):
            self.add_error("weekdays", _("Please choose at least one day."))
        if kind == ScheduleKind.PER_WEEK and not cleaned.get("times_per_week"):
            self.add_error("times_per_week", _("Please say how many times a week."))
        if kind == ScheduleKind.ONCE and not end:
            self.add_error("end_date", _("Please choose the date it is due by."))
        if start and end and end < start:
            self.add_error("end_date", _("This must be on or after the start date."))
        self._check_past(start, end)
        self._check_far_past(start)
        self._check_client_language(cleaned)
        alerts_off = "risk_alerts" in self.fields and not cleaned.get("risk_alerts")
        if alerts_off and not (cleaned.get("risk_alerts_off_reason") or "").strip():
            self.add_error("risk_alerts_off_reason", _("Please give a reason for not being alerted, for the record."))
        return cleaned

    def _check_client_language(self, cleaned: dict) -> None:
        """A version in the client's language needs its language and some words; neither is ever dropped."""
        written = [name for name in ("instructions_client", "rationale_client") if (cleaned.get(name) or "").strip()]
        if cleaned.get("client_language") and not written:
            first = "instructions_client" if "instructions_client" in self.fields else "rationale_client"
            self.add_error(first, "Please write the client's-language version, or choose “None” above.")
        if written and not cleaned.get("client_language"):
            self.add_error("client_language", _("Please choose the language your second version is written in."))

    def _past_start_posted(self) -> bool:
        if self.today is None or not self.is_bound:
            return False
        try:
            start = self.fields["start_date"].to_python(self.data.get("start_date"))
        except forms.ValidationError:
            return False
        return start is not None and start < self.today

    def _check_past(self, start: date | None, end: date | None) -> None:
        """A past date is refused unless confirmed: days before the assignment is made never fall due (see
        `Assignment.assigned_on`), so a "by" or "until" date already past would leave nothing to do."""
        if self.today is None:
            return
        if end and end < self.today:
            self.add_error(
                "end_date",
                gettext("This date has passed, so nothing would be due. Choose %(day)s or later.")
                % {"day": date_format(self.today, "j M")},
            )
        if start and start < self.today and not self.cleaned_data.get("confirm_past"):
            self.add_error(
                "start_date",
                gettext(
                    "This is before today (%(day)s). Tick “Yes, start it on this past date” below to keep it; "
                    "days before today are never counted as missed."
                )
                % {"day": date_format(self.today, "j M")},
            )

    def _check_far_past(self, start: date | None) -> None:
        """A start date is at most a year back (unless it is the one already saved): an old assignment saved before
        `assigned_on` existed has nothing else bounding it, and a start decades back would make every day since
        fall due."""
        if self.bound_today is None or start is None or start == self.initial.get("start_date"):
            return
        earliest = self.bound_today - MAX_PAST_START
        if start < earliest:
            self.add_error(
                "start_date",
                gettext("Choose a start date no earlier than %(day)s (a year back).")
                % {"day": date_format(earliest, "j M Y")},
            )

    def clean_if_when(self) -> str:
        return plan_when(self.cleaned_data.get("if_when", ""))

    def clean_if_then(self) -> str:
        return plan_then(self.cleaned_data.get("if_then", ""))

    def clean_minimum(self) -> str:
        return minimum_text(self.cleaned_data.get("minimum", ""))

    def data_object(self) -> AssignmentData:
        c = self.cleaned_data
        alerts = "risk_alerts" not in self.fields or bool(c.get("risk_alerts"))
        return AssignmentData(
            title=c["title"],
            instructions=c["instructions"],
            rationale=c["rationale"],
            minutes=c["minutes"],
            schedule_kind=c["schedule_kind"],
            start_date=c["start_date"],
            end_date=c.get("end_date"),
            weekdays=c.get("weekdays") or [],
            times_per_week=c.get("times_per_week"),
            if_when=c.get("if_when", ""),
            if_then=c.get("if_then", ""),
            minimum=c.get("minimum", ""),
            coping=c.get("coping", ""),
            formats=c.get("formats") or [],
            goal=c.get("goal"),
            risk_alerts=alerts,
            risk_alerts_off_reason="" if alerts else c["risk_alerts_off_reason"].strip(),
            instructions_client=c.get("instructions_client", ""),
            rationale_client=c.get("rationale_client", ""),
            client_language=c.get("client_language", ""),
        )


class MeasureAssignForm(AssignmentForm):
    """A questionnaire asks about the last week or two, and its questions are fixed: it is assigned with a title,
    why, and when (every two weeks, before each session, or once), nothing else."""

    SCHEDULES = (ScheduleKind.FORTNIGHT, ScheduleKind.BEFORE_SESSION, ScheduleKind.ONCE)
    LEFT_OUT = (
        "instructions",
        "instructions_client",
        "minutes",
        "weekdays",
        "times_per_week",
        "if_when",
        "if_then",
        "minimum",
        "coping",
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        for name in (*self.LEFT_OUT, "goal", "formats"):
            del self.fields[name]
        schedule = self.fields["schedule_kind"]
        assert isinstance(schedule, forms.ChoiceField)
        schedule.choices = [(kind.value, kind.label) for kind in self.SCHEDULES]
        if self.initial.get("schedule_kind") not in self.SCHEDULES:
            self.initial["schedule_kind"] = ScheduleKind.FORTNIGHT
        self.fields["end_date"].label = "Until (or, for once, by)"

    def clean(self):
        cleaned = super().clean()
        cleaned.update(
            instructions=self.version.instructions, minutes=self.version.minutes, formats=[Format.WRITE], goal=None
        )
        return cleaned


def assign_form(version, *args, **kwargs) -> AssignmentForm:
    """The assign (or edit) form for this worksheet: the short one for a questionnaire."""
    if version.is_questionnaire:
        return MeasureAssignForm(*args, version=version, **kwargs)
    return AssignmentForm(*args, **kwargs)


def before_session_note(next_session: date | None) -> str:
    """What "before each session" means for this client now: when it will be due, or that nothing will be."""
    if next_session is None:
        return gettext(
            "Before each session: no next session is booked for this client, so nothing will be due until one is "
            "(book it on their Sessions page)."
        )
    days = open_days(ScheduleKind.BEFORE_SESSION, due_before_session(next_session))
    opens, due = days[0], days[-1]
    return gettext(
        "Before each session: the next one is booked for %(session)s, so it will be open %(opens)s to %(due)s, "
        "and it follows the session if it is rebooked or cancelled."
    ) % {
        "session": date_format(next_session, "D j M"),
        "opens": date_format(opens, "D j"),
        "due": date_format(due, "D j M"),
    }


def assignment_initial(assignment) -> dict:
    return {
        **assignment.content,
        "minutes": assignment.minutes,
        "schedule_kind": assignment.schedule_kind,
        "weekdays": assignment.weekdays,
        "times_per_week": assignment.times_per_week,
        "start_date": assignment.start_date,
        "end_date": assignment.end_date,
        "goal": assignment.goal_id,
        "formats": assignment.formats,
        "risk_alerts": assignment.risk_alerts,
        "risk_alerts_off_reason": assignment.risk_alerts_off_reason,
        "client_language": assignment.client_language,
    }


def version_initial(version, today: date) -> dict:
    return {
        "title": version.name,
        "instructions": version.instructions,
        "rationale": version.rationale,
        "minutes": version.minutes,
        "schedule_kind": ScheduleKind.DAILY,
        "start_date": today,
        # A therapist's own worksheet offers what it was built with; a built-in starts with writing only.
        "formats": version.formats
        if version.template.practice_id
        else ([Format.WRITE] if Format.WRITE in version.formats else version.formats[:1]),
    }


class NotWorkingForm(forms.Form):
    reason = forms.ChoiceField(choices=NoticeReason.choices, widget=forms.RadioSelect, label=_("What's not working?"))
    note = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Anything to add? (optional)"),
    )


class CommentForm(forms.Form):
    text = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Comment for the client"))


class GoalForm(forms.Form):
    text = forms.CharField(max_length=300, label=_("Goal, in the client's words"))
    steps = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Steps (one per line, optional)"),
    )

    def steps_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("steps", "").splitlines() if line.strip()][:10]


class LadderItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(max_length=300, required=False, label=_("Situation"))
    suds = forms.IntegerField(min_value=0, max_value=100, required=False, label=_("Distress (0–100)"))
    position = forms.IntegerField(required=False, min_value=0, max_value=99, label=_("Order"))

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("description") and cleaned.get("suds") is None:
            self.add_error("suds", _("How distressing would it be, from 0 to 100?"))
        return cleaned


LadderFormSet = forms.formset_factory(LadderItemForm, extra=2, max_num=30, validate_max=True)


def ladder_items_from(formset) -> list[dict]:
    rows = [f.cleaned_data for f in formset if f.cleaned_data.get("description")]
    rows.sort(key=lambda row: (row.get("position") if row.get("position") is not None else 99, row["suds"]))
    return [{"id": row.get("id"), "description": row["description"], "suds": row["suds"]} for row in rows]
