"""Support persons: who a client shares with (a link), what they share (its scope), and what comes back.

Nothing is shared by default: a new link shares nothing until the client ticks something. The scope can only name
what is safe to show someone outside the care relationship: days with any activity (never a streak), whether
chosen assignments were done today (never their content), a nudge time, and entries the client picks one by one
(never a private one, never a questionnaire). Measures, barriers, alerts and the safety plan have no field here,
so no scope can reach them. What a support person sees is built in one place, `shared.py`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from carryover.accounts.models import Invitation, Membership, User
from carryover.homework.models import Assignment, Entry
from carryover.lib.crypto import EncryptedJSONField


class LinkState(models.TextChoices):
    SUGGESTED = "suggested", "Suggested by your therapist"  # not invited until the client says so
    ON = "on", gettext_lazy("Sharing")
    PAUSED = "paused", gettext_lazy("Paused")
    REMOVED = "removed", gettext_lazy("Removed")


class SupportLinkQuerySet(models.QuerySet["SupportLink"]):
    def current(self) -> SupportLinkQuerySet:
        return self.exclude(state=LinkState.REMOVED)

    def waiting_for(self, user: User) -> SupportLinkQuerySet:
        """Invitations to an existing support account's own address in its practice, not yet accepted: accounts
        emails such an address "sign in" instead of a link (an account belongs to one practice)."""
        return self.filter(
            supporter=None,
            email__iexact=user.email,
            client__practice_id=user.membership.practice_id,
            state__in=[LinkState.ON, LinkState.PAUSED],
            invitation__accepted_at__isnull=True,
            invitation__revoked_at__isnull=True,
            invitation__expires_at__gt=timezone.now(),
        )

    def guardians_ended_unseen(self, client: Membership) -> SupportLinkQuerySet:
        """Guardians the therapist removed (or whose invitation they withdrew) that the client has not yet been
        told about on their support page."""
        return self.filter(client=client, is_guardian=True, state=LinkState.REMOVED, client_seen_at=None)

    def of_supporter(self, user: User) -> SupportLinkQuerySet:
        """The links this person accepted that the client has not ended (on or paused)."""
        return self.filter(supporter=user, state__in=[LinkState.ON, LinkState.PAUSED])


class SupportLink(models.Model):
    """One client sharing with one support person, invited by email (accounts' invitation rules)."""

    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="support_links")
    name = models.CharField(max_length=60, help_text="What you call them, e.g. “Jo”.")
    email = models.EmailField(max_length=254)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="support_link"
    )
    # Set when they accept the invitation (accounts' acceptance hooks); access is always checked against it.
    supporter = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="supporting")
    state = models.CharField(max_length=10, choices=LinkState.choices, default=LinkState.ON)
    state_changed_at = models.DateTimeField(default=timezone.now)
    # A parent or guardian the therapist invited for a client marked as a minor.
    is_guardian = models.BooleanField(default=False)
    suggested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The scope. Every field starts off: nothing is shared until the client chooses it.
    share_days = models.BooleanField(default=False)
    assignments = models.ManyToManyField(Assignment, blank=True, related_name="+")
    entries = models.ManyToManyField(Entry, blank=True, related_name="+")
    nudge_at = models.TimeField(null=True, blank=True)
    named_in_safety_plan = models.BooleanField(default=False)
    # A therapist's suggestion, made in session: shown to the client beside the scope, applied only if they tick it.
    suggested_days = models.BooleanField(default=False)
    suggested_completion = models.BooleanField(default=False)
    # A guardian the therapist invited is shown to the client until they have looked at it.
    client_seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SupportLinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "supporter"],
                condition=Q(supporter__isnull=False) & ~Q(state="removed"),
                name="one_current_link_per_supporter",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def accepted(self) -> bool:
        return self.supporter_id is not None

    @property
    def is_paused(self) -> bool:
        return self.state == LinkState.PAUSED


class SupportPolicy(models.Model):
    """For a client marked as a minor: the least a guardian always sees, set by the therapist and shown to the
    client on their support page."""

    client = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="support_policy")
    is_minor = models.BooleanField(default=False)
    min_days = models.BooleanField(default=False)
    min_completion = models.BooleanField(default=False)  # every active assignment's done / part / not today
    set_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    @property
    def has_minimum(self) -> bool:
        return self.is_minor and (self.min_days or self.min_completion)


class Preset(models.TextChoices):
    THINKING = "thinking", gettext_lazy("Thinking of you")
    PROUD = "proud", gettext_lazy("Proud of you for trying")
    ANY_STEP = "any_step", gettext_lazy("Every small step counts")
    HERE = "here", gettext_lazy("I'm here if you want to talk")


ENCOURAGEMENT_MAX = 280


class Encouragement(models.Model):
    """A short kind word from a support person, shown on the client's Today (and only there)."""

    link = models.ForeignKey(SupportLink, on_delete=models.CASCADE, related_name="encouragements")
    preset = models.CharField(max_length=20, choices=Preset.choices, blank=True)
    text = EncryptedJSONField(default=str, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def words(self) -> str:
        return self.text or (str(Preset(self.preset).label) if self.preset else "")


class NudgeStatus(models.TextChoices):
    SENT = "sent", gettext_lazy("Sent")
    NOT_NEEDED = "not_needed", gettext_lazy("Not needed (already started)")
    PAUSED = "paused", gettext_lazy("Not sent (sharing paused)")
    FAILED = "failed", gettext_lazy("Could not be sent")


class Nudge(models.Model):
    """One day's "nudge me if I haven't started by HH:MM" for one link: at most one row a day, so at most one
    email, however many workers run."""

    link = models.ForeignKey(SupportLink, on_delete=models.CASCADE, related_name="nudges")
    local_date = models.DateField()
    status = models.CharField(max_length=12, choices=NudgeStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "local_date"], name="one_nudge_per_link_and_day")]
