"""The publishing command of ``opendata``: ``publish``, packages to a CKAN portal.

Exit codes are the CLI's (see :mod:`opendata.cli.main`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from opendata.credentials import credential, public_url, scrub
from opendata.publish.datasets import PublishResult, publish


def _print_publish(result: PublishResult, verbose: bool) -> None:
    failed = {package for package, _ in result.failures}
    for dataset in result.plans:
        click.echo(f"{dataset.package}\n  -> {dataset.url} [{dataset.action}]")
        if dataset.action == "update" and dataset.reason != "resources":
            click.echo(f"  dataset fields: {dataset.reason}")
        counts = {a: 0 for a in ("create", "update", "unchanged", "delete")}
        for step in dataset.steps:
            counts[step.action] += 1
            if step.action != "unchanged" or verbose or result.dry_run:
                reason = f" ({step.reason})" if step.reason and step.action != "create" else ""
                click.echo(f"  {step.action:<9} {step.name}{reason}")
        summary = ", ".join(f"{n} {a}" for a, n in counts.items())
        uploads = "to upload" if result.dry_run or dataset.package in failed else "uploaded"
        click.echo(f"  resources: {summary}; {dataset.uploads} {uploads}")
    for package, error in result.failures:
        where = "" if error.path else f"{package}: "
        click.echo(scrub(f"error: {where}{error}"), err=True)
    done = "planned (dry run, nothing changed)" if result.dry_run else "done"
    click.echo(f"{done}: {sum(result.requests.values())} requests, {result.uploads} uploads")


def _portal_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise click.BadParameter(f"{public_url(value)!r} is not an http:// or https:// URL")
    return value


@click.command("publish")
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--portal",
    required=True,
    callback=_portal_url,
    help="The CKAN site, e.g. https://data.example.gov.cn",
)
@click.option("--organization", required=True, help="Name (or id) of the CKAN organization.")
@click.option(
    "--token-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File holding the API token (default: the CKAN_API_TOKEN environment variable).",
)
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing on the portal.")
@click.option(
    "--retries",
    default=4,
    show_default=True,
    type=click.IntRange(0, 20),
    help="Retries after a connection error or a 5xx answer.",
)
@click.option(
    "--backoff",
    default=0.5,
    show_default=True,
    type=click.FloatRange(0, 60),
    help="Seconds before the first retry; doubled for each next one.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also list unchanged resources.")
def publish_command(
    packages: tuple[Path, ...],
    portal: str,
    organization: str,
    token_file: Path | None,
    dry_run: bool,
    retries: int,
    backoff: float,
    verbose: bool,
) -> None:
    """Create or update one CKAN dataset per package, uploading only changed files."""
    token = credential(os.environ.get("CKAN_API_TOKEN"), "CKAN_API_TOKEN")
    if token_file is not None:
        try:
            text = token_file.read_text("utf-8")
        except OSError as exc:
            why = exc.strerror
            raise click.UsageError(f"cannot read --token-file {token_file}: {why}") from None
        except UnicodeDecodeError:
            raise click.UsageError(f"--token-file {token_file} is not UTF-8 text") from None
        token = credential(text, f"--token-file {token_file}")
    if token is None and not dry_run:
        raise click.UsageError("no API token: set CKAN_API_TOKEN or give --token-file")
    result = publish(
        list(packages),
        portal,
        organization,
        token=token,
        dry_run=dry_run,
        retries=retries,
        backoff=backoff,
    )
    _print_publish(result, verbose)
    if result.failures:
        sys.exit(max(error.exit_code for _, error in result.failures))
