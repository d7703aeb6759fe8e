"""A progress bar on standard error for work that takes more than a moment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Below this many items the work finishes in well under a second: no bar.
PROGRESS_THRESHOLD = 50_000


@contextmanager
def progress_bar(
    description: str, total: int, threshold: int = PROGRESS_THRESHOLD
) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; draws a bar on standard error when ``total`` reaches ``threshold``
    (items that each take a while, such as rounds to replay, pass a lower one)."""
    if total < threshold:
        yield lambda _count: None
        return
    # Imported here: a command whose work is small never loads rich.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    with progress:
        task = progress.add_task(description, total=total)
        yield lambda count: progress.advance(task, count)
