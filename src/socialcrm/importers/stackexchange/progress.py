"""Progress of an import: a protocol, a silent default and a terminal display (rich)."""

from __future__ import annotations

import time
from typing import Any, Protocol


class ImportProgress(Protocol):
    """Told how an import advances; the importer calls it after every batch."""

    def start(self, stage: str, total_bytes: int) -> None:
        """A stage begins reading a file of ``total_bytes``."""
        ...

    def advance(self, stage: str, *, rows: int, offset: int) -> None:
        """``rows`` rows of the stage are done; ``offset`` bytes of its file were read."""
        ...

    def finish(self, stage: str) -> None:
        """The stage is done."""
        ...


class NoProgress:
    """Shows nothing (the default, and what tests use)."""

    def start(self, stage: str, total_bytes: int) -> None:
        """Nothing."""

    def advance(self, stage: str, *, rows: int, offset: int) -> None:
        """Nothing."""

    def finish(self, stage: str) -> None:
        """Nothing."""


class TerminalProgress:
    """A rich progress bar per stage: bytes read, rows done, rows per second, elapsed time.

    Needs ``pip install 'socialcrm[import]'`` (rich). Use it as a context manager.
    """

    def __init__(self, console: Any | None = None) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[rows]:>9,} rows"),
            TextColumn("{task.fields[rate]:>8,.0f} rows/s"),
            TimeElapsedColumn(),
            console=console,
        )
        self._tasks: dict[str, Any] = {}
        self._started: dict[str, float] = {}

    def __enter__(self) -> TerminalProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def start(self, stage: str, total_bytes: int) -> None:
        """Add the stage's bar."""
        self._started[stage] = time.perf_counter()
        self._tasks[stage] = self._progress.add_task(
            stage, total=max(total_bytes, 1), rows=0, rate=0.0
        )

    def advance(self, stage: str, *, rows: int, offset: int) -> None:
        """Move the stage's bar."""
        elapsed = max(time.perf_counter() - self._started[stage], 1e-9)
        self._progress.update(self._tasks[stage], completed=offset, rows=rows, rate=rows / elapsed)

    def finish(self, stage: str) -> None:
        """Fill the stage's bar."""
        task = self._tasks[stage]
        self._progress.update(task, completed=self._progress.tasks[task].total)


__all__ = ["ImportProgress", "NoProgress", "TerminalProgress"]
