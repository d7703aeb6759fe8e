"""Single-profile requests that arrive together are worked out together, in one pass.

Scoring goes through one code path for one profile and a million (shared/STYLE.md, habit 3):
a pass over a table of profiles costs about the same for one row as for a hundred (the fixed
cost of the column checks and the formulas' array set-up dominates). So the requests of one
profile each that arrive while a pass is running wait for it to end and then go through the
next pass together, each getting its own line back. Nothing waits for a timer: a request that
finds no pass running starts one at once, so alone it is not delayed. Each profile is validated
and scored on its own in a pass (a bad one is its own error line), so a result never depends on
which other profiles shared its pass.

Passes run in a worker thread, so that the event loop keeps reading requests in the meantime.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from fastapi.concurrency import run_in_threadpool

from openentry.services.scoring import RawProfile

Results = list[dict[str, object]]
Key = TypeVar("Key", bound=Hashable)


@dataclass
class _Waiting:
    profiles: list[RawProfile] = field(default_factory=list)
    answers: list[asyncio.Future[dict[str, object]]] = field(default_factory=list)


class ProfileBatcher(Generic[Key]):
    """Gathers single profiles by ``key`` (the date and options of the pass) while a pass runs."""

    def __init__(self, work: Callable[[list[RawProfile], Key], Results], most: int) -> None:
        self.work = work
        self.most = most
        self._waiting: dict[Key, _Waiting] = {}
        self._draining: asyncio.Task[None] | None = None

    async def submit(self, profile: RawProfile, key: Key) -> dict[str, object]:
        """The profile's own result line, from the next pass of its ``key``."""
        answer: asyncio.Future[dict[str, object]] = asyncio.get_running_loop().create_future()
        waiting = self._waiting.setdefault(key, _Waiting())
        waiting.profiles.append(profile)
        waiting.answers.append(answer)
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain())
        return await answer

    async def _drain(self) -> None:
        while self._waiting:
            key, waiting = next(iter(self._waiting.items()))
            profiles, answers = waiting.profiles[: self.most], waiting.answers[: self.most]
            del waiting.profiles[: self.most], waiting.answers[: self.most]
            if not waiting.profiles:
                del self._waiting[key]
            try:
                results = await run_in_threadpool(self.work, profiles, key)
            except Exception as error:  # every request of the pass answers with it
                for answer in answers:
                    if not answer.done():
                        answer.set_exception(error)
                continue
            for answer, result in zip(answers, results, strict=True):
                if not answer.done():
                    answer.set_result(result)
