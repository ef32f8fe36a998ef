"""The command's start-up: ``opendata --help`` imports no command, a command imports what it uses.

:mod:`opendata.cli.main` names each command's module and short help (``COMMANDS``); the tests
check that the listing made from them is the one click would make from the commands themselves,
and that no heavy library is imported before a command runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from opendata.cli.main import COMMANDS, LazyGroup, cli

HEAVY = ("rdflib", "pyoxigraph", "frictionless", "pypdfium2", "requests", "pyshacl")


def _heavy_after(code: str) -> str:
    """The heavy top-level packages imported once ``code`` has run, as printed by Python."""
    probe = (
        f"{code}\nimport sys\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {set(HEAVY)!r}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()[-1]


def test_importing_the_command_imports_no_heavy_library() -> None:
    assert _heavy_after("import opendata.cli.main") == "[]"


def test_help_imports_no_command_module() -> None:
    code = (
        "import sys, contextlib, io\n"
        "sys.argv = ['opendata', '--help']\n"
        "from opendata.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main()\n"
        "assert not [m for m in sys.modules if m.startswith('opendata.cli.')"
        " and m != 'opendata.cli.main'], sorted(sys.modules)\n"
    )
    assert _heavy_after(code) == "[]"


def test_lines_of_a_text_file_import_no_rdf_or_table_library(tmp_path: Path) -> None:
    text = tmp_path / "budget.txt"
    text.write_text("某部门2024年部门预算\n收支总表\n", encoding="utf-8")
    code = (
        "import sys, contextlib, io\n"
        f"sys.argv = ['opendata', 'lines', {str(text)!r}]\n"
        "from opendata.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main()\n"
    )
    assert _heavy_after(code) == "[]"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_short_help_is_the_first_paragraph_of_the_commands_help(name: str) -> None:
    command = cli.load(name)
    assert command.name == name
    assert command.help is not None
    assert COMMANDS[name][1] == command.help.partition("\n\n")[0]


def _help(group: click.Group, width: int) -> str:
    with click.Context(group, info_name="opendata", terminal_width=width) as ctx:
        return group.get_help(ctx)


@pytest.mark.parametrize("width", [30, 50, 80, 120, 200])
def test_the_listing_is_the_one_click_makes_from_the_commands(width: int) -> None:
    lazy = LazyGroup("opendata", lazy=COMMANDS, help=cli.help, params=cli.params)
    eager = click.Group(
        "opendata",
        commands={name: cli.load(name) for name in COMMANDS},
        help=cli.help,
        params=cli.params,
    )
    assert _help(lazy, width) == _help(eager, width)
    assert lazy.commands == {}  # listing loaded nothing


def test_every_command_runs_through_the_lazy_group() -> None:
    with click.Context(cli, info_name="opendata") as ctx:
        assert cli.list_commands(ctx) == sorted(COMMANDS)
        for name in COMMANDS:
            assert cli.get_command(ctx, name) is cli.load(name)
        assert cli.get_command(ctx, "nosuch") is None
