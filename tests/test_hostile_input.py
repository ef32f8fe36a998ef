"""Hostile input (issue 16): secrets never printed, damaged packages refused clearly (exit 3),
no file read outside a package, and remote services' odd answers reported, not raised."""

from __future__ import annotations

import base64
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.cli_helpers import invoke, run_script

# -- damaged packages (item 7) and paths leaving the package (item 8) -------------------------


def _copy(golden_package: Path, tmp_path: Path) -> Path:
    package = tmp_path / "pkg"
    shutil.copytree(golden_package, package)
    return package


def _edit(package: Path, change) -> None:  # type: ignore[no-untyped-def]
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{}", 'no package name; expected a "name" string'),
        ("[]", "is a JSON list; expected an object"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("{not json", "is not JSON"),
        ('{"name": "x", "resources": [{"name": "a", "path": 7}]}', "is not a file name"),
    ],
)
def test_damaged_descriptor_is_an_input_error_for_every_reader(
    tmp_path: Path, text: str, expected: str
) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "datapackage.json").write_text(text, "utf-8")
    for command in (["validate"], ["audit"], ["load", "--store", tmp_path / "store"]):
        done = run_script(*command, package, cwd=tmp_path)
        assert done.returncode == 3, (command, done.stderr)
        assert expected in done.stderr, (command, done.stderr)
        assert "datapackage.json" in done.stderr


def test_missing_table_and_overlong_field_name_the_file(
    golden_package: Path, tmp_path: Path
) -> None:
    package = _copy(golden_package, tmp_path)
    (package / "data" / "facts.csv").unlink()
    done = run_script("audit", package, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "data/facts.csv is missing" in done.stderr

    package = _copy(golden_package, tmp_path / "long")
    sections = package / "data" / "sections.csv"
    sections.write_text(sections.read_text("utf-8") + '"' + "x" * 200_000 + '"\n', "utf-8")
    done = run_script("audit", package, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "data/sections.csv is not a readable CSV table" in done.stderr, done.stderr
    # validate imports frictionless, which lifts the field limit: the short row is refused
    done = run_script("validate", package, cwd=tmp_path)
    assert done.returncode == 3, done.stderr


def test_descriptor_refused_by_frictionless_is_reported_not_raised(
    golden_package: Path, tmp_path: Path
) -> None:
    package = _copy(golden_package, tmp_path)
    _edit(package, lambda d: d.update(licenses="not a list"))
    result = invoke("validate", "--no-shacl", package)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1, result.output
    assert "INVALID" in result.output


@pytest.mark.parametrize("where", ["../outside.csv", "/etc/passwd"])
def test_audit_and_validate_read_nothing_outside_the_package(
    golden_package: Path, tmp_path: Path, where: str
) -> None:
    package = _copy(golden_package, tmp_path)
    (tmp_path / "outside.csv").write_text("secret,data\n1,2\n", "utf-8")

    def point_outside(descriptor: dict) -> None:  # type: ignore[type-arg]
        for resource in descriptor["resources"]:
            if resource["name"] == "sections":
                resource["path"] = where

    _edit(package, point_outside)
    for command in (["audit"], ["validate"], ["load", "--store", tmp_path / "store"]):
        done = run_script(*command, package, cwd=tmp_path)
        assert done.returncode == 3, (command, done.stdout, done.stderr)
        assert "leaves the package" in done.stderr, (command, done.stderr)


# -- secrets (item 6) and odd remote answers (item 12) ----------------------------------------

TOKEN = "tok-SECRET-1234567890"
USER, PASSWORD = "store-user", "pässwörd-SECRET"


class _Echo(BaseHTTPRequestHandler):
    """Answers everything with 401 (or a CKAN-like JSON of the wrong shape), echoing the
    Authorization header in the body, as careless servers do."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.startswith("/api/3/action/organization_show"):
            body, status = b'{"success": true, "result": ["not", "a", "dict"]}', 200
        else:
            auth = self.headers.get("Authorization", "")
            body, status = f"denied for Authorization: {auth}".encode(), 401
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("token", [TOKEN + "\n", " " + TOKEN, TOKEN + "\r\nX-Evil: 1", "tök-ön"])
def test_a_malformed_token_is_refused_without_quoting_it(
    golden_package: Path, tmp_path: Path, token: str
) -> None:
    done = run_script(
        "publish", golden_package, "--portal", "http://127.0.0.1:9", "--organization", "o",
        "--retries", "0", cwd=tmp_path, env={"CKAN_API_TOKEN": token},
    )  # fmt: skip
    assert TOKEN not in done.stderr + done.stdout and "tök" not in done.stderr
    if token.strip() == TOKEN:  # stripped, then used: the portal cannot be reached
        assert done.returncode == 6, done.stderr
    else:
        assert done.returncode == 2, done.stderr
        assert "CKAN_API_TOKEN" in done.stderr
        assert "line break" in done.stderr or "not ASCII" in done.stderr
    file = tmp_path / "token.txt"
    file.write_text(f"{TOKEN}\nsecond line\n", "utf-8")
    done = run_script(
        "publish", golden_package, "--portal", "http://127.0.0.1:9", "--organization", "o",
        "--token-file", file, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2 and "contains a line break" in done.stderr, done.stderr
    assert TOKEN not in done.stderr


def test_echoed_credentials_and_url_userinfo_are_scrubbed(
    golden_package: Path, tmp_path: Path, echo_server: str
) -> None:
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    env = {"OPENDATA_STORE_USER": USER, "OPENDATA_STORE_PASSWORD": PASSWORD + "\n"}
    env["OPENDATA_STORE_AUTH"] = "basic"
    done = run_script("push", golden_package, "--store", echo_server, cwd=tmp_path, env=env)
    assert done.returncode == 6, done.stderr
    assert "denied for Authorization: Basic ***" in done.stderr, done.stderr
    for secret in (basic, PASSWORD, USER):
        assert secret not in done.stderr + done.stdout

    portal = echo_server.replace("http://", f"http://admin:{PASSWORD}@")
    done = run_script(
        "publish", golden_package, "--portal", portal, "--organization", "o", "--dry-run",
        cwd=tmp_path, env={"CKAN_API_TOKEN": TOKEN},
    )  # fmt: skip
    assert done.returncode == 6, done.stderr  # organization_show answers a list: a PortalError
    assert "not an organization" in done.stderr
    assert PASSWORD not in done.stderr + done.stdout and "admin:" not in done.stderr


def test_a_store_url_without_a_scheme_is_a_usage_error(
    golden_package: Path, tmp_path: Path
) -> None:
    done = run_script("push", golden_package, "--store", "localhost:8890/crud", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "is not an http:// or https:// URL" in done.stderr


def test_a_very_short_credential_does_not_garble_messages() -> None:
    """Regression: a one-letter token remembered once masked every ``t`` of later messages."""
    from opendata.credentials import remember, scrub

    remember("t", "longer-secret")
    assert scrub("organization_show failed: longer-secret") == "organization_show failed: ***"
