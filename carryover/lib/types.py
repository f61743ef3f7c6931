"""Types shared by the apps: `AuthedRequest`, a request whose user is signed in (for annotations only)."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from carryover.accounts.models import User

    class AuthedRequest(HttpRequest):
        """A request behind @login_required: `request.user` is a real user."""

        user: User
        request_id: str
else:
    AuthedRequest = HttpRequest
