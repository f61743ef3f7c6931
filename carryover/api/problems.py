"""RFC 9457 problem details: the one shape of every 4xx the API answers, with a message per field.

`Problem` is raised by the endpoints and the conventions (auth, If-Match, idempotency, rate limits);
`install_handlers` turns it, ninja's validation errors, 404s and oversized bodies into `application/problem+json`.
Nothing from the request's content is echoed back: a field is named by its location, never by what was typed.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

PROBLEM_JSON = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Some input was not valid",
    428: "Precondition required",
    429: "Too many requests",
}


class Problem(Exception):
    """An answer the client must change its request to avoid. `errors`: [{"field", "message"}]."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str = "",
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.code = status, detail, code
        self.errors, self.headers = errors or [], headers or {}


def problem_response(request: HttpRequest, problem: Problem) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"/api/v1/docs/problems#{problem.code or problem.status}",
        "title": TITLES.get(problem.status, "Error"),
        "status": problem.status,
        "detail": problem.detail,
        "instance": getattr(request, "request_id", ""),
    }
    if problem.errors:
        body["errors"] = problem.errors
    response = HttpResponse(json.dumps(body), status=problem.status, content_type=PROBLEM_JSON)
    for name, value in {**getattr(request, "api_rate", {}), **problem.headers}.items():
        response[name] = value
    return response


def field_name(loc: tuple | list) -> str:
    """ninja's location ("body", "data", "title") as the field a client sent: "title"; "query" parameters keep
    their name; a path parameter is "path.<name>"."""
    parts = [str(part) for part in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts[:1] == ["path"]:
        return ".".join(parts)
    elif parts[:1] in (["query"], ["header"]):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "This field is not known here."
    if kind == "missing":
        return "This field is required."
    if kind == "json_invalid":
        return "The body is not valid JSON."
    return str(error.get("msg", "This value is not valid."))


def validation_problem(errors: list[dict]) -> Problem:
    fields = [{"field": field_name(e.get("loc", ())), "message": _message(e)} for e in errors]
    return Problem(422, "Some input was not valid: see `errors`.", code="validation", errors=fields)


def check_form(form: forms.Form, *, names: dict[str, str] | None = None) -> None:
    """The web page's own form is the one home of its rules: its errors, as field messages."""
    if form.is_valid():
        return
    names = {"__all__": "body", **(names or {})}
    errors = [
        {"field": names.get(name, name), "message": str(message)}
        for name, messages in form.errors.items()
        for message in messages
    ]
    raise Problem(422, "Some input was not valid: see `errors`.", code="validation", errors=errors)


def check_formset(formset: forms.BaseFormSet, *, name: str) -> None:
    """A web formset's errors as field messages: `<name>.<row>.<field>`, and `<name>` for the whole list."""
    if formset.is_valid():
        return
    errors = [{"field": name, "message": str(message)} for message in formset.non_form_errors()]
    errors += [
        {"field": f"{name}.{row}" if field == "__all__" else f"{name}.{row}.{field}", "message": str(message)}
        for row, form in enumerate(formset.forms)
        for field, messages in form.errors.items()
        for message in messages
    ]
    raise Problem(422, "Some input was not valid: see `errors`.", code="validation", errors=errors)


def install_handlers(api: NinjaAPI) -> None:
    def on_problem(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, exc)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, validation_problem(exc.errors))

    def on_auth(request: HttpRequest, exc: Any) -> HttpResponse:
        detail = "Send a valid personal access token: `Authorization: Bearer <token>`."
        return problem_response(
            request, Problem(401, detail, code="unauthenticated", headers={"WWW-Authenticate": 'Bearer realm="api"'})
        )

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [{"field": "body", "message": "Send a JSON object."}] if exc.status_code == 400 else None
        return problem_response(request, Problem(exc.status_code, str(exc), errors=errors))

    def on_404(request: HttpRequest, exc: Any) -> HttpResponse:
        detail = "There's nothing here, or you don't have access to it."
        return problem_response(request, Problem(404, detail, code="not_found"))

    def on_too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, Problem(413, "The body is larger than this API accepts.", code="too_large"))

    api.add_exception_handler(Problem, on_problem)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
