"""The progress line of a batch run (on stderr): documents done of all, pages, errors, rate.

A thin wrapper over tqdm, so that the CLI only says what to count. When it is off, nothing is
drawn and printing goes straight through.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from types import TracebackType

from tqdm import tqdm

from opendata.batch.convert import ConvertResult


class Progress:
    """``with Progress(total, show) as bar: … bar.update(result)``."""

    def __init__(self, total: int, show: bool):
        self.show = show
        self.pages = 0
        self.errors = 0
        self.skipped = 0
        self.bar: tqdm | None = None
        if show:
            self.bar = tqdm(
                total=total,
                unit="doc",
                file=sys.stderr,
                dynamic_ncols=True,
                mininterval=0.2,
                bar_format="{n_fmt}/{total_fmt} documents{postfix} "
                "[{elapsed}<{remaining}, {rate_fmt}]",
            )

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.close()

    def update(self, result: ConvertResult) -> None:
        self.pages += result.counts.get("pages", 0)
        self.errors += result.errors
        self.skipped += result.written is not None and not result.counts
        if self.bar is not None:
            self.bar.set_postfix_str(
                f"{self.pages} pages, {self.errors} errors, {self.skipped} skipped",
                refresh=False,
            )
            self.bar.update(1)

    @contextlib.contextmanager
    def printing(self) -> Iterator[None]:
        """Print lines without breaking the progress line."""
        if self.bar is None:
            yield
        else:
            with tqdm.external_write_mode(file=sys.stderr):
                yield
