"""The ``opendata`` command: a thin layer that parses arguments, calls the library, prints.

Exit codes (also in the README):

====  =====================================================================
0     success
1     done, but problems were found (reader errors, an invalid package, or audit errors)
2     usage error (bad options or arguments)
3     an input cannot be read as a disclosure (empty, binary, no tables …)
4     an input is of a kind not supported yet (e.g. PDF)
5     an output could not be written (or the embedded store cannot be opened or read)
6     a remote service failed: the CKAN portal could not be reached (after retries)
      or refused a request (bad token, no rights, invalid data), an external triple store
      refused a graph or could not be reached, or the Dask scheduler (``--dask``) cannot be
      reached (or Dask is not installed)
7     a document hit an unexpected error (a bug), its worker process died, or it ran over
      the time limit of a batch (``--timeout``)
====  =====================================================================

``load``, ``query``, ``serve`` and ``push`` (SPARQL) use the same codes: a query that is not
valid SPARQL, an unknown named query or a bad ``--param`` is a usage error (2), and so is a
query refused before it runs (over 64 KiB, nested deeper than 64, over 1,000 operators, a
``SERVICE`` call or an update: :mod:`opendata.sparql.guard`); a package that cannot be read is
bad input (3), and a store that cannot be opened or an external store that refuses or cannot be
reached is an output error (5).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from opendata.credentials import scrub
from opendata.errors import OpendataError
from opendata.resources import VERSION

EXIT_FINDINGS = 1

#: Every command: the module and attribute that define it, and the first paragraph of its help
#: (what ``opendata --help`` lists, so that listing imports no command; a test checks that each
#: equals the command's own help). A command's module is imported only when the command runs.
COMMANDS: dict[str, tuple[str, str]] = {
    "convert": (
        "opendata.cli.converting:convert_command",
        "Read disclosures (PDF or text) and write one data package per disclosure.",
    ),
    "catalog": (
        "opendata.cli.converting:catalog_command",
        "Write OUT_DIR/catalog/ (DCAT catalogue and index package) from the packages in OUT_DIR.",
    ),
    "validate": (
        "opendata.cli.checking:validate_command",
        "Validate packages: tables with frictionless, the graph with SHACL; report the audit.",
    ),
    "audit": (
        "opendata.cli.checking:audit_command",
        "Check that a package's numbers and words agree (sums, tables, narrative, codes).",
    ),
    "lines": (
        "opendata.cli.reading:lines_command",
        "Print the numbered lines the reader sees in a file (the lines findings refer to).",
    ),
    "vocab": (
        "opendata.cli.vocabulary:vocab_command",
        "Write the vocabulary page (README.md) and the code lists (codelists.ttl) of vocab/.",
    ),
    "schemas": (
        "opendata.cli.vocabulary:schemas_command",
        "Write the Table Schemas of every table kind and derived resource.",
    ),
    "publish": (
        "opendata.cli.publishing:publish_command",
        "Create or update one CKAN dataset per package, uploading only changed files.",
    ),
    "load": (
        "opendata.cli.sparql:load_command",
        "Load packages' graphs into the embedded store, one named graph each (replaced on reload).",
    ),
    "query": (
        "opendata.cli.sparql:query_command",
        "Run a SPARQL query (text, --file, or the NAME of a named query) on the embedded store.",
    ),
    "serve": (
        "opendata.cli.sparql:serve_command",
        "Serve the store read-only: SPARQL 1.1 Protocol at /sparql, a query page, and its URIs.",
    ),
    "push": (
        "opendata.cli.sparql:push_command",
        "Send packages' graphs to an external triple store, one named graph each (replaced).",
    ),
}


def location(file: str, line: int, page: int | None) -> str:
    """Where a finding is: ``file:line``, and ``(page N)`` for a PDF."""
    return f"{file}:{line}" + (f" (page {page})" if page is not None else "")


class LazyGroup(click.Group):
    """A command group that imports a command's module only when the command is looked up.

    ``lazy`` maps each command name to ``("module:attribute", short help)``; the help listing
    is made from the short help, so ``opendata --help`` imports no command module.
    """

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            self.add_command(self.load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def load(self, cmd_name: str) -> click.Command:
        """The command ``cmd_name``, imported from its module."""
        module, _, attribute = self.lazy[cmd_name][0].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module}:{attribute} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands as :meth:`click.Group.format_commands` does, from the short help."""
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy and name not in self.commands:
                rows.append((name, click.Command(name, help=self.lazy[name][1])))
            else:
                command = super().get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in rows])


@click.group(cls=LazyGroup, lazy=COMMANDS)
@click.version_option(VERSION, prog_name="opendata")
def cli() -> None:
    """Turn Chinese budget disclosures (部门预算/决算) into open, linked, validated data."""


def main() -> None:
    """Entry point: run the CLI, turning opendata errors into messages and exit codes."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except OpendataError as exc:
        click.echo(f"error: {scrub(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
