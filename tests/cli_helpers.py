"""Running the CLI in tests: in process (CliRunner) and as the installed console script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from opendata.cli.main import cli


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def console_script() -> list[str]:
    """The installed ``opendata`` entry point (``opendata.cli.main:main``)."""
    script = Path(sys.executable).with_name("opendata")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from opendata.cli.main import main; main()"]  # pragma: no cover


def run_script(
    *args: str | Path, cwd: Path, timeout: int = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the console script (``env`` added to the environment); no traceback may reach the user."""
    done = subprocess.run(
        [*console_script(), *(str(a) for a in args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env={**os.environ, **env} if env else None,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert "Traceback" not in done.stdout, done.stdout
    return done
