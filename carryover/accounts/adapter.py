from allauth.account.adapter import DefaultAccountAdapter


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
