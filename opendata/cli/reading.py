"""The reading command of ``opendata``: ``lines``, the numbered lines the reader sees.

Exit codes are the CLI's (see :mod:`opendata.cli.main`).
"""

from __future__ import annotations

from pathlib import Path

import click

from opendata.read.document import document_lines


@click.command("lines")
@click.argument("path", type=click.Path(path_type=Path))
def lines_command(path: Path) -> None:
    """Print the numbered lines the reader sees in a file (the lines findings refer to)."""
    for line in document_lines(path):
        page = f"{line.page:>4} " if line.page is not None else ""
        click.echo(f"{page}{line.number:>5}  {line.text}")
