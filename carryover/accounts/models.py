"""People and practices: users, practice membership in one role, care links, invitations, crisis resources."""

from __future__ import annotations

import hashlib
import zoneinfo
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import quote

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from carryover.lib.i18n import LANGUAGE_CHOICES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Role(models.TextChoices):
    ADMIN = "admin", gettext_lazy("Practice admin")
    THERAPIST = "therapist", gettext_lazy("Therapist")
    CLIENT = "client", gettext_lazy("Client")
    SUPPORT = "support", gettext_lazy("Support person")


CLINICIAN_ROLES = frozenset({Role.ADMIN, Role.THERAPIST})


class Terminology(models.TextChoices):
    ACTIVITIES = "activities", gettext_lazy("Activities")
    HOMEWORK = "homework", gettext_lazy("Homework")
    PRACTICE = "practice", gettext_lazy("Practice")
    ASSIGNMENTS = "assignments", gettext_lazy("Assignments")


# (singular, plural) for each terminology choice; "homework" and "practice" are uncountable.
WORK_WORDS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    Terminology.ACTIVITIES: (pgettext_lazy("work, one", "activity"), pgettext_lazy("work, several", "activities")),
    Terminology.HOMEWORK: (pgettext_lazy("work, one", "homework"), pgettext_lazy("work, several", "homework")),
    Terminology.PRACTICE: (pgettext_lazy("work, one", "practice"), pgettext_lazy("work, several", "practice")),
    Terminology.ASSIGNMENTS: (pgettext_lazy("work, one", "assignment"), pgettext_lazy("work, several", "assignments")),
}


class Country(models.TextChoices):
    """Countries Carryover holds checked crisis lines for (accounts/crisis.py); a test keeps the two lists equal."""

    AU = "AU", gettext_lazy("Australia")
    CA = "CA", gettext_lazy("Canada")
    IE = "IE", gettext_lazy("Ireland")
    NZ = "NZ", gettext_lazy("New Zealand")
    GB = "GB", gettext_lazy("United Kingdom")
    US = "US", gettext_lazy("United States")


def all_time_zones() -> list[str]:
    return sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user


class Theme(models.TextChoices):
    """How pages look for a person (static/carryover/app.css, set on <html> by base.html); each keeps WCAG AA."""

    SYSTEM = "system", gettext_lazy("Same as my phone or computer (light or dark)")
    LIGHT = "light", gettext_lazy("Light")
    DARK = "dark", gettext_lazy("Dark")
    CONTRAST = "contrast", gettext_lazy("High contrast (black on white)")


class TextSize(models.TextChoices):
    STANDARD = "standard", gettext_lazy("Standard")
    LARGE = "large", gettext_lazy("Large")
    LARGER = "larger", gettext_lazy("Larger")


class User(AbstractBaseUser):
    email = models.EmailField("email address", unique=True, max_length=254)
    name = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    # Blank: their practice's default language (lib/i18n.py, `language_for`).
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, blank=True, default="")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    theme = models.CharField(max_length=10, choices=Theme.choices, default=Theme.SYSTEM)
    text_size = models.CharField(max_length=10, choices=TextSize.choices, default=TextSize.STANDARD)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def first_name(self) -> str:
        return self.display_name.split()[0]

    @cached_property
    def membership_or_none(self) -> Membership | None:
        return Membership.objects.select_related("practice").filter(user=self).first()

    @property
    def role(self) -> str | None:
        membership = self.membership_or_none
        return membership.role if membership else None

    @property
    def is_clinician(self) -> bool:
        return self.role in CLINICIAN_ROLES

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class Practice(models.Model):
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, choices=Country.choices, default=Country.US)
    terminology = models.CharField(max_length=20, choices=Terminology.choices, default=Terminology.ACTIVITIES)
    # Blank: the country's (lib/i18n.py, `practice_language`), so a new practice reads its own spelling at once.
    default_language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, blank=True, default="")
    terms = models.TextField(
        default=(
            "Carryover helps you and your therapist keep track of the work you do between sessions. "
            "What you write is shared with your therapist unless you mark it private. Carryover is not a "
            "crisis service: if you are in danger, call your local emergency number."
        )
    )
    terms_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    @property
    def work_singular(self) -> str:
        return str(WORK_WORDS[self.terminology][0])

    @property
    def work_plural(self) -> str:
        return str(WORK_WORDS[self.terminology][1])


class MembershipQuerySet(models.QuerySet["Membership"]):
    def clients_of(self, therapist: Membership) -> MembershipQuerySet:
        return self.filter(
            practice_id=therapist.practice_id,
            role=Role.CLIENT,
            client_links__therapist=therapist,
            client_links__ended_at__isnull=True,
        )


class Membership(models.Model):
    """A person's place in one practice, in one role. One practice per account keeps access rules simple."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    consented_terms_version = models.PositiveIntegerField(null=True, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["practice", "role"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.practice})"


class CareLink(models.Model):
    """A therapist looks after a client. A client may have several therapists in the same practice."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="care_links")
    therapist = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="therapist_links")
    client = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="client_links")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "client"],
                condition=Q(ended_at__isnull=True),
                name="one_active_care_link",
            )
        ]


class CrisisResource(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="crisis_resources")
    name = models.CharField(max_length=120)
    how = models.CharField(
        max_length=200, help_text=gettext_lazy("What to do, in a few words: “Call or text, free, any time”.")
    )
    phone = models.CharField(max_length=30, blank=True, help_text=gettext_lazy("Number to call, if any."))
    sms = models.CharField(max_length=30, blank=True, help_text=gettext_lazy("Number to text, if any."))
    sms_body = models.CharField(
        max_length=30,
        blank=True,
        help_text=gettext_lazy("Word the text starts with, if the line asks for one: “HOME”."),
    )
    url = models.URLField(blank=True)
    last_verified = models.DateField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def call_href(self) -> str:
        return f"tel:{dialable(self.phone)}" if self.phone else ""

    @property
    def text_href(self) -> str:
        if not self.sms:
            return ""
        # "?&body=" is the form both iOS and Android Messages read; a plain "?body=" is ignored by older iPhones.
        body = f"?&body={quote(self.sms_body)}" if self.sms_body else ""
        return f"sms:{dialable(self.sms)}{body}"


def dialable(number: str) -> str:
    """What a phone dials: shown as "13 11 14" or "1-800-668-6868", dialled as 131114 and 18006686868."""
    return "".join(c for c in number if c.isdigit() or c == "+")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting")
    ACCEPTED = "accepted", gettext_lazy("Accepted")
    REVOKED = "revoked", gettext_lazy("Revoked")
    EXPIRED = "expired", gettext_lazy("Expired")


class InvitationEmail(models.TextChoices):
    """Where the invitation email is: the task that sends it runs after the page has answered."""

    QUEUED = "queued", gettext_lazy("Sending")
    SENT = "sent", gettext_lazy("Emailed")
    FAILED = "failed", gettext_lazy("Not emailed")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent")
    # Only a SHA-256 of the link's token is stored: a database leak does not yield working links.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Of the latest send asked for (create or resend); failed attempts count towards the retries' bound.
    email_status = models.CharField(max_length=10, choices=InvitationEmail.choices, default=InvitationEmail.QUEUED)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    # When the inviter was last told that someone asked for a new link (at most once a day; see accounts/tasks.py).
    new_link_noticed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "email"])]

    def status(self, now=None) -> InvitationStatus:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if (now or timezone.now()) >= self.expires_at:
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def status_label(self) -> str:
        return str(self.status().label)

    @property
    def is_open(self) -> bool:
        return self.status() in (InvitationStatus.PENDING, InvitationStatus.EXPIRED)
