"""Helpers for the batch tests: variants of the sample, and workers that fail on purpose.

The workers live in a module (not in a test file) so that spawned worker processes can import
them by name.
"""

from __future__ import annotations

import os
from pathlib import Path

from opendata.batch.convert import ConvertResult
from opendata.batch.run import Job, convert_job
from tests.conftest import SAMPLE

DEPARTMENT = "党建工作部"
CODE_LINE = "203 中共秦皇岛"


def variant(folder: Path, number: int, name: str | None = None) -> Path:
    """A copy of the sample under another department name and code (so another package)."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace(DEPARTMENT, f"党建工作{number}部").replace(
        CODE_LINE, f"{300 + number} 中共秦皇岛"
    )
    path = folder / (name or f"budget-{number:03d}.txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def crash_on_doomed(job: Job) -> ConvertResult:
    """Kill the worker process outright (like a segfault or the OOM killer) for 'doomed' files."""
    if any("doomed" in p.name for p in job.paths):
        os._exit(9)
    return convert_job(job)
