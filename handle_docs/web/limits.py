"""How large a request body may be: small for every form, larger for the routes that take a file.

Every request is limited to :data:`MAX_BODY` (a whole material's wording is
~10 kB) unless its view was marked with :func:`body_limit`.  The limit is set
by :func:`apply`, which the app registers as its *first* before-request
function, so it is in force before anything reads the body (CSRFProtect reads
``request.form`` in its own before-request function, which parses the body;
a limit raised later, in the route or a blueprint's before-request, comes too
late and the upload is refused at the small limit).  Flask 3.1 makes
``request.max_content_length`` settable per request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, render_template, request

#: Largest request body accepted by any route not marked with :func:`body_limit`.
MAX_BODY = 512 * 1024

F = TypeVar("F", bound=Callable)

_ATTRIBUTE = "handle_docs_body_limit"


def body_limit(limit: int) -> Callable[[F], F]:
    """Mark a view as taking a request body of up to ``limit`` bytes (put it
    directly under the route decorator; ``functools.wraps`` carries the mark
    through the decorators below it)."""

    def mark(view: F) -> F:
        setattr(view, _ATTRIBUTE, limit)
        return view

    return mark


def limit_of(endpoint: str | None) -> int:
    """The body limit of the view at ``endpoint`` (:data:`MAX_BODY` unless marked)."""
    view = current_app.view_functions.get(endpoint or "")
    return int(getattr(view, _ATTRIBUTE, MAX_BODY))


def apply() -> None:
    """Before anything reads the body: this request's limit, from its view."""
    limit = limit_of(request.endpoint)
    if limit != MAX_BODY:
        request.max_content_length = limit


def in_words(limit: int) -> str:
    """ "512 kB", "50 MB": a limit as the error page says it."""
    mb = 1024 * 1024
    return f"{limit // mb} MB" if limit >= mb else f"{limit // 1024} kB"


def too_large():
    """The 413 page of a form (a route taking a file says its own limit, in its own words)."""
    return render_template(
        "error.html",
        title="Too much text",
        message=f"The request was larger than {in_words(MAX_BODY)}, so nothing was saved.",
    ), 413
