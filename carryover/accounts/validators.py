"""A password validator that caps length only to protect the hasher; long passphrases are welcome."""

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Long passphrases are welcome (ASVS asks for at least 64); the cap only stops abuse of the hasher."""

    max_length = 1024

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(f"Please use at most {self.max_length} characters.", code="password_too_long")

    def get_help_text(self) -> str:
        return "A long passphrase of 15 or more characters is easiest to remember and hardest to guess."
