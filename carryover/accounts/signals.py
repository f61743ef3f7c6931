"""Session bookkeeping on sign-in and on a password change: start the session clock, end the other sessions."""

import time

from allauth.account.signals import password_changed, password_reset
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .devices import devices_sign_out_others


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs) -> None:
    # Idle and absolute session limits count from here (SessionLimitsMiddleware); the first request after signing
    # in records activity and this device (however the person signed in: password, invitation, passkey).
    if request is not None and hasattr(request, "session"):
        request.session["auth_started_at"] = time.time()
        request.session.pop("last_seen_at", None)


@receiver(password_changed)
@receiver(password_reset)
def end_other_sessions(sender, request, user, **kwargs) -> None:
    # Django already refuses the other sessions once the password hash changes; ending them here also takes
    # them off the account page's device list at once (ASVS 7.4.3).
    devices_sign_out_others(user=user, current_session_key=request.session.session_key)
