"""Keeps what someone typed when a form can't be accepted because their session or form expired.

The fields (never passwords or tokens) wait in the server-side session until the same page is shown again,
where the view uses them as the form's initial values; they are used once and then dropped.
"""

from django.http import HttpRequest

_KEY = "recovered_form"
_NEVER_KEPT = ("password", "csrfmiddlewaretoken", "token", "code")


def stash_post(request: HttpRequest, path: str | None = None) -> bool:
    """Keep the POSTed fields for the page at `path` (by default, the page that was posted to)."""
    if request.method != "POST" or not hasattr(request, "session"):
        return False
    data = {
        name: request.POST.getlist(name)
        for name in request.POST
        if not any(word in name.lower() for word in _NEVER_KEPT)
    }
    if data:
        request.session[_KEY] = {"path": path or request.path, "data": data}
    return bool(data)


def recovered_initial(request: HttpRequest) -> dict | None:
    stash = request.session.get(_KEY) if hasattr(request, "session") else None
    if request.method != "GET" or not stash or stash.get("path") != request.path:
        return None
    del request.session[_KEY]
    return {name: values[0] if len(values) == 1 else values for name, values in stash["data"].items()}
