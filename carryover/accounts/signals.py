import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs) -> None:
    # Idle and absolute session limits count from here (SessionLimitsMiddleware).
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session["auth_started_at"] = now
        request.session["last_seen_at"] = now
