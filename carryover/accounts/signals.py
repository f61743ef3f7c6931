import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs) -> None:
    # Idle and absolute session limits count from here (SessionLimitsMiddleware); the first request after signing
    # in records activity and this device (however the person signed in: password, invitation, passkey).
    if request is not None and hasattr(request, "session"):
        request.session["auth_started_at"] = time.time()
        request.session.pop("last_seen_at", None)
