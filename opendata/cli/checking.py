"""The checking commands of ``opendata``: ``validate`` and ``audit``.

Exit codes are the CLI's (see :mod:`opendata.cli.main`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from opendata.audit import AuditReport, audit_package
from opendata.cli.main import EXIT_FINDINGS, location
from opendata.model import finding_record
from opendata.validate.report import ValidationReport, validate_package


def _print_report(report: ValidationReport) -> None:
    verdict = "valid" if report.valid else "INVALID"
    graph = ""
    if report.shacl is not None:
        graph = (
            f", graph {report.triples} triples {'conforms' if report.shacl else 'NONCONFORMANT'}"
        )
    click.echo(
        f"{report.package}: {verdict} ({report.resources} resources, {report.rows} rows{graph}, "
        f"{len(report.errors)} errors)"
    )
    for e in report.errors:
        where = e.resource or "package"
        if e.row_number is not None:
            where += f" row {e.row_number}"
        if e.field_name:
            where += f" field {e.field_name}"
        click.echo(f"  {where}: [{e.code}] {e.message}")


@click.command("validate")
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@click.option("--no-shacl", is_flag=True, help="Skip the SHACL validation of the graph.")
@click.option(
    "--engine",
    type=click.Choice(["fast", "reference"]),
    default="fast",
    show_default=True,
    help="fast: tables by frictionless's rules compiled once, SHACL compiled to SPARQL; "
    "reference: frictionless and pySHACL themselves (slower; the referee).",
)
def validate_command(
    packages: tuple[Path, ...], as_json: bool, no_shacl: bool, engine: str
) -> None:
    """Validate packages: tables with frictionless, the graph with SHACL; report the audit."""
    reports = [validate_package(p, shacl=not no_shacl, engine=engine) for p in packages]
    audits = [audit_package(p) for p in packages]
    if as_json:
        records = [
            {**r.record(), "audit": a.counts()} for r, a in zip(reports, audits, strict=True)
        ]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        for report, audit in zip(reports, audits, strict=True):
            _print_report(report)
            click.echo(f"  audit: {_counts(audit)} (details: opendata audit {report.package})")
    if not all(r.valid for r in reports):
        sys.exit(EXIT_FINDINGS)


def _counts(report: AuditReport) -> str:
    c = report.counts()
    errors = f"{c['FAIL']} error" + ("" if c["FAIL"] == 1 else "s")
    warnings = f"{c['WARN']} warning" + ("" if c["WARN"] == 1 else "s")
    return f"{errors}, {warnings}, {c['SKIP']} skipped, {c['PASS']} passed"


def _print_audit(package: Path, report: AuditReport, show_all: bool, lang: str) -> None:
    click.echo(f"{package}: {_counts(report)}")
    for check in report.checks:
        if check.status == "PASS" and not show_all:
            continue
        where = ""
        if check.source is not None and check.source.line > 0:
            where = location(check.source.file, check.source.line, check.source.page)
        values = ""
        if check.expected is not None or check.actual is not None:
            values = (
                f" expected {check.expected if check.expected is not None else '-'}, "
                f"actual {check.actual if check.actual is not None else '-'}"
            )
            if check.difference is not None:
                values += f", difference {check.difference}"
            values += f" {check.unit}".rstrip()
            values += ";"
        message = check.message if lang == "en" else check.message_zh
        click.echo(
            f"  {check.status:<4} {check.code:<18} {where}{';' if where else ''}{values} {message}"
        )


@click.command("audit")
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON array.")
@click.option("--all", "show_all", is_flag=True, help="Also list the checks that passed.")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of the messages in the table.",
)
def audit_command(packages: tuple[Path, ...], as_json: bool, show_all: bool, lang: str) -> None:
    """Check that a package's numbers and words agree (sums, tables, narrative, codes)."""
    reports = [(p, audit_package(p)) for p in packages]
    if as_json:
        records = [
            {"package": str(p), **finding_record(c)}
            for p, report in reports
            for c in report.checks
            if show_all or c.finding
        ]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        for package, report in reports:
            _print_audit(package, report, show_all, lang)
    if any(report.errors for _, report in reports):
        sys.exit(EXIT_FINDINGS)
