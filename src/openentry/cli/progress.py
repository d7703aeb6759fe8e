"""A progress bar on standard error for work that takes more than a moment, when standard error
is a terminal (a bar written to a file or a pipe is noise in a log, and costs a fraction of a
second to draw)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Below this many items the work finishes in well under a second: no bar.
PROGRESS_THRESHOLD = 50_000


@contextmanager
def progress_bar(
    description: str, total: int, threshold: int = PROGRESS_THRESHOLD
) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; draws a bar on standard error when it is a terminal and ``total``
    reaches ``threshold`` (items that each take a while, such as rounds to replay, pass a lower one)."""
    if total < threshold or not sys.stderr.isatty():
        yield lambda _count: None
        return
    # Imported here: a command whose work is small never loads rich.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    with progress:
        task = progress.add_task(description, total=total)
        yield lambda count: progress.advance(task, count)
