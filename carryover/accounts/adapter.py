from allauth.account.adapter import DefaultAccountAdapter

from carryover.lib.recovery import kept_for_someone_else


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many unsuccessful sign-in attempts for this email. For your security, signing in is paused "
            "for 15 minutes. If you've forgotten your password, you can reset it."
        ),
    }

    def is_open_for_signup(self, request) -> bool:
        # People join a practice by invitation only.
        return False

    def pre_login(self, request, user, **kwargs):
        # Someone else was signed out on this browser and left text behind (lib/recovery.py): start this person
        # on a clean session. What allauth has recorded of this sign-in so far (its "account_" keys: the
        # password step, for whichever user is signing in) is carried over, or the sign-in would be lost.
        if kept_for_someone_else(request, user.pk):
            this_sign_in = {key: value for key, value in request.session.items() if key.startswith("account_")}
            request.session.flush()
            request.session.update(this_sign_in)
        return super().pre_login(request, user, **kwargs)
