"""A review conversation (a draft until it is finished, then applied once), its steps, and confidence checks.

Whether an assignment was agreed in session is read from here, not stored on the assignment: an assignment or a
revision made by a finished conversation was agreed together; anything else was sent between sessions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from carryover.accounts.models import Membership, User
from carryover.homework.models import Assignment, AssignmentRevision, Entry, TemplateVersion
from carryover.lib.crypto import EncryptedJSONField
from carryover.review.models import Session

CONFIDENT = 7  # below this, the usual adjustments are suggested (common clinical guidance, not tested directly)


class ConversationStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("In progress")
    FINISHED = "finished", gettext_lazy("Finished")


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def draft_for(self, client: Membership) -> Conversation | None:
        return self.filter(client=client, status=ConversationStatus.DRAFT).select_related("started_by__user").first()

    def latest_finished(self, client: Membership) -> Conversation | None:
        return self.filter(client=client, status=ConversationStatus.FINISHED).order_by("-finished_at").first()


class Conversation(models.Model):
    """Going through the week with a client. Decisions are kept as they are made and applied only on finish."""

    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="conversations")
    started_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.DRAFT)
    since = models.DateField(help_text="The first day of the week being reviewed (the client's local date).")
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ConversationQuerySet.as_manager()

    class Meta:
        constraints = [
            # Two therapists opening "Review with …" at once get the same draft, never two.
            models.UniqueConstraint(
                fields=["client"], condition=Q(status="draft"), name="together_one_draft_per_client"
            )
        ]

    @property
    def is_draft(self) -> bool:
        return self.status == ConversationStatus.DRAFT


class StepKind(models.TextChoices):
    ASSIGNMENT = "assignment", gettext_lazy("An activity")
    ENTRY = "entry", gettext_lazy("A flagged entry")
    NEW = "new", gettext_lazy("A new activity")


class Decision(models.TextChoices):
    KEEP = "keep", gettext_lazy("Keep it as it is")
    ADJUST = "adjust", gettext_lazy("Adjust it")
    SMALLER = "smaller", gettext_lazy("Make it smaller (the minimum version becomes the task)")
    PAUSE = "pause", gettext_lazy("Pause it")
    STOP = "stop", gettext_lazy("Stop it")
    NEW = "new", gettext_lazy("New")
    TALKED = "talked", gettext_lazy("Talked about")


CHANGES = (Decision.ADJUST, Decision.SMALLER, Decision.NEW)  # these are confidence-checked


class Adjustment(models.TextChoices):
    """The usual adjustments when confidence is low: a doable size, an anchor, another format, a backup plan."""

    SMALLER = "smaller", gettext_lazy("Make it smaller")
    TIME = "time", gettext_lazy("Another time or anchor")
    FORMAT = "format", gettext_lazy("Another way to answer (write, draw, voice, photo)")
    MINIMUM = "minimum", gettext_lazy("Start with the minimum version")
    KEEP = "keep", gettext_lazy("Keep it as it is")


class Step(models.Model):
    """One thing talked about: an activity (with a decision), a flagged entry, or a new activity from the library."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=StepKind.choices)
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    template_version = models.ForeignKey(
        TemplateVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    base_revision = models.PositiveIntegerField(null=True, blank=True, help_text="The revision the plan was made on.")
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    learned = EncryptedJSONField(default=str, blank=True, help_text="What we learned: the client reads it as why.")
    plan = EncryptedJSONField(default=dict, blank=True, help_text="The adjusted or new activity, as the form had it.")
    confidence_first = models.PositiveSmallIntegerField(null=True, blank=True)
    adjustment = models.CharField(max_length=10, choices=Adjustment.choices, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0, help_text="Bumped on each save: two people's edits meet here.")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What finishing made of it: the agreed revision of a changed activity, or the new activity.
    revision = models.ForeignKey(
        AssignmentRevision, null=True, blank=True, on_delete=models.SET_NULL, related_name="agreed_in"
    )
    result = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="agreed_in")
    applied = models.BooleanField(default=False, help_text="Finishing applied it (what the client's copy lists).")

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["conversation", "position"], name="together_step_position")]

    @property
    def client(self) -> Membership:
        return self.conversation.client

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)

    @property
    def low_confidence(self) -> bool:
        return self.confidence_first is not None and self.confidence_first < CONFIDENT


class CheckOrigin(models.TextChoices):
    SESSION = "session", gettext_lazy("In session")
    CLIENT = "client", gettext_lazy("By the client, on first opening it")


class ConfidenceCheck(models.Model):
    """ "How sure are you that you'll do this? 0–10", and, below 7, the adjustment chosen. The latest per
    assignment is its confidence."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="confidence_checks")
    origin = models.CharField(max_length=10, choices=CheckOrigin.choices)
    first = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Before any adjustment.")
    adjustment = models.CharField(max_length=10, choices=Adjustment.choices, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="None: the client chose not to say.")
    note = EncryptedJSONField(default=str, blank=True, help_text="The client's own words about the change.")
    conversation = models.ForeignKey(Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Below 7 the client may change when or how they do it themselves: the revision they made (its created_by is
    # the client), so the assignment records that the client changed it.
    revision = models.ForeignKey(
        AssignmentRevision, null=True, blank=True, on_delete=models.SET_NULL, related_name="client_change_of"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["assignment", "-created_at"], name="together_check_latest")]

    @property
    def invites_change(self) -> bool:
        """The client said below 7 on their own check and hasn't changed it since: they may change when or how
        they do it. (In session, the therapist and client change it together.)"""
        low = self.first is not None and self.first < CONFIDENT
        return low and self.origin == CheckOrigin.CLIENT and self.revision_id is None
