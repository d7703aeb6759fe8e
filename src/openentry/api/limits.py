"""Limits on requests: the body's size, and the rate of a client's requests to the public routes.

- A body over ``max_body_bytes`` is refused with 413 before it is read (by its Content-Length)
  or as soon as the bytes received pass the limit (a body sent in chunks); a 1 MB list of
  profiles is well inside the default 10 MiB.
- Public routes (no token) allow a client (its address) ``rate_limit`` requests per window of
  ``rate_window_seconds`` (a fixed window: the count starts again at each window's start); over
  it, 429 with ``Retry-After``, the seconds until the window ends. With a Redis URL every process
  of the service counts in Redis (``INCR`` and ``EXPIRE`` on one key per client and window), so
  several ``serve`` processes limit as one; without it each process counts on its own. If Redis
  does not answer, requests are let through (and it is logged): the limit protects the service,
  it must not stop it.

The middleware also gives every request its id (:mod:`openentry.api.context`).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Protocol

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openentry.api.context import REQUEST_ID_HEADER, begin_request
from openentry.api.problems import ProblemError, problem_response
from openentry.api.settings import ServiceSettings

logger = logging.getLogger("openentry.api")
_REQUEST_ID_KEY = REQUEST_ID_HEADER.lower().encode("latin-1")


class BodyTooLarge(ProblemError):
    """The body passed the limit while it was being received."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"the request body is over {limit:,} bytes, the most this service accepts; send less at a time"


class RequestMiddleware:
    """Every HTTP request: its id (read or made, sent back), and the body size limit."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given: str | None = None
        length: bytes | None = None
        for name, value in scope["headers"]:
            if name == _REQUEST_ID_KEY:
                given = value.decode("latin-1")
            elif name == b"content-length":
                length = value
        request_id = begin_request(given)
        request_id_header = (_REQUEST_ID_KEY, request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), request_id_header]
            await send(message)

        if length is not None:
            refusal = self._length_refusal(length)
            if refusal is not None:
                await refusal(scope, receive, send_with_id)
                return
        limit = self.max_body_bytes
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send_with_id)

    def _length_refusal(self, length: bytes) -> Response | None:
        try:
            size = int(length)
        except ValueError:
            return problem_response(400, f"Content-Length {length!r} is not a number of bytes")
        if size > self.max_body_bytes:
            return problem_response(413, too_large_message(self.max_body_bytes))
        return None


class RateLimiter(Protocol):
    """Counts a client's requests; ``hit`` answers None (go on) or the seconds to wait."""

    limit: int
    window: int

    async def hit(self, client: str) -> int | None: ...

    async def close(self) -> None: ...


def _wait(window: int, now: float) -> int:
    """Whole seconds until the current window ends (at least 1)."""
    return max(1, math.ceil(window - now % window))


class LocalRateLimiter:
    """Counts in this process: a fixed window, one count per client."""

    def __init__(self, limit: int, window: int, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._window_index = -1
        self._counts: dict[str, int] = {}

    async def hit(self, client: str) -> int | None:
        now = self.clock()
        index = int(now // self.window)
        if index != self._window_index:
            self._window_index = index
            self._counts = {}
        count = self._counts.get(client, 0) + 1
        self._counts[client] = count
        return _wait(self.window, now) if count > self.limit else None

    async def close(self) -> None:
        return None


class RedisRateLimiter:
    """Counts in Redis, shared by every process: one key per client and window, expiring with it."""

    def __init__(
        self, url: str, prefix: str, limit: int, window: int, clock: Callable[[], float] = time.time
    ) -> None:
        import redis.asyncio

        self.prefix = prefix
        self.limit = limit
        self.window = window
        self.clock = clock
        self.redis = redis.asyncio.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    async def hit(self, client: str) -> int | None:
        import redis

        now = self.clock()
        key = f"{self.prefix}:rate:{self.window}:{int(now // self.window)}:{client}"
        try:
            async with self.redis.pipeline(transaction=True) as pipeline:
                pipeline.incr(key)
                pipeline.expire(key, self.window + 1, nx=True)
                count, _ = await pipeline.execute()
        except (redis.RedisError, OSError) as error:
            logger.warning("rate limit not counted (Redis: %s); the request goes on", error)
            return None
        return _wait(self.window, now) if int(count) > self.limit else None

    async def close(self) -> None:
        await self.redis.aclose()


def rate_limiter(settings: ServiceSettings) -> RateLimiter | None:
    """The limiter the settings ask for (None: no limit)."""
    limit, window = settings.rate_limit, settings.rate_window_seconds
    if limit == 0:
        return None
    if settings.redis_url:
        return RedisRateLimiter(settings.redis_url, settings.redis_prefix, limit, window)
    return LocalRateLimiter(limit, window)
