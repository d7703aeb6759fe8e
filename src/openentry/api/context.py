"""The request being served: its id, for the audit trail, problem documents and the logs.

The id is the client's ``X-Request-ID`` when it is a short token (at most 64 characters of
``A-Za-z0-9._:-``), else a new random one; the response carries it back in the same header.
A context variable holds it, so the threads that run a route's database work see it too.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_request_id: ContextVar[str | None] = ContextVar("openentry_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served (None outside a request)."""
    return _request_id.get()


def begin_request(given: str | None) -> str:
    """Start serving a request: its id (the client's if acceptable, else a new one)."""
    request_id = given if given is not None and _ACCEPTED.match(given) else uuid.uuid4().hex
    _request_id.set(request_id)
    return request_id
