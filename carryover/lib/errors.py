"""Plain error pages that never show a stack trace, a query or anything from the request."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string

from .recovery import stash_post


def _render(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    body: str
    try:
        body = render_to_string(
            "error.html", {"title": title, "text": text, "request_id": getattr(request, "request_id", "")}
        )
    except Exception:  # the error page itself must never fail
        body = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{text}</p>"
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return _render(request, 400, "Something in that request wasn't right", "Please go back and try again.")


def permission_denied(request, exception=None):
    if exception is not None and "CSRF" in str(exception):
        return csrf_failure(request)
    return _render(request, 403, "Not allowed", "You don't have access to this page.")


def page_not_found(request, exception=None):
    return _render(request, 404, "Page not found", "There's nothing here, or you don't have access to it.")


def server_error(request):
    return _render(
        request,
        500,
        "Sorry, something went wrong on our side",
        "It has been logged. Please try again in a moment.",
    )


def store_unavailable(request):
    """The file store could not be reached (lib/filestore.py): nothing was changed, and trying later will work."""
    return _render(
        request,
        503,
        "Files can't be reached just now",
        "Nothing was lost or used up. Please try again in a few minutes.",
    )


def csrf_failure(request, reason=""):
    """An expired form keeps what its signed-in sender typed; any other CSRF failure changes nothing.

    A form another website submits arrives without the session cookie (SameSite=Lax): answering it with a kept
    form or a message would start a session that replaces the person's own, so it gets the plain page and no
    cookie. `stash_post` keeps text only for a signed-in sender on a request from this site.
    """
    user_id = request.user.pk if request.user.is_authenticated else None
    if stash_post(request, user_id=user_id):
        messages.warning(
            request,
            "For your security, that form had expired. We kept what you typed (except passwords): "
            "check it and send it again.",
        )
        return HttpResponseRedirect(request.path)
    return _render(
        request,
        403,
        "This form has expired",
        "For your security, forms stop working after a while or after you sign out. "
        "Go back, reload the page, and send it again.",
    )
