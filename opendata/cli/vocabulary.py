"""The reference commands of ``opendata``: ``vocab`` and ``schemas``.

Exit codes are the CLI's (see :mod:`opendata.cli.main`). ``schemas`` needs no RDF library;
``vocab`` imports the vocabulary page (and rdflib) when it runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from opendata.write.schemas import write_schemas


@click.command("vocab")
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="vocab",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder to write into.",
)
def vocab_command(out_dir: Path) -> None:
    """Write the vocabulary page (README.md) and the code lists (codelists.ttl) of vocab/."""
    from opendata.vocab.page import write_vocab

    for path in write_vocab(out_dir):
        click.echo(str(path))


@click.command("schemas")
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="schemas",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder to write the schemas into.",
)
def schemas_command(out_dir: Path) -> None:
    """Write the Table Schemas of every table kind and derived resource."""
    for path in write_schemas(out_dir):
        click.echo(str(path))
