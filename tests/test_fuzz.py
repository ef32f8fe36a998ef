"""Fuzzing the two ways in: a text disclosure (``read_document``) and a package on disk
(``read_descriptor`` and ``load_document``, under ``validate``, ``audit`` and ``load``).

Whatever the input, the outcome is a result or one of the toolkit's own errors
(:class:`~opendata.errors.OpendataError`): never another exception, never a hang. Every example
has a deadline (hypothesis ``deadline``) and, against a real hang that would never return to
hypothesis, an alarm.

Two profiles: ``ci`` (the default: a few dozen examples a test, well under a minute in all)
and ``long``, for the documented run of a quarter of an hour or more (docs/security.md)::

    HYPOTHESIS_PROFILE=long FUZZ_EXAMPLES=20000 timeout 1200 \\
        .venv/bin/python -m pytest tests/test_fuzz.py -p no:cacheprovider \\
        --hypothesis-show-statistics -q
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from opendata.audit import audit_document
from opendata.errors import OpendataError
from opendata.read.datapackage import load_document, read_descriptor
from opendata.read.document import read_document
from tests.conftest import GOLDEN

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile(
    "ci", max_examples=40, deadline=2000, suppress_health_check=_HEALTH, print_blob=True
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")),
    deadline=2000,
    suppress_health_check=_HEALTH,
    print_blob=True,
)
#: The profile of these tests only (``HYPOTHESIS_PROFILE``; other tests keep their settings).
FUZZ = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
HANG = 30  # seconds: an example still running then is a hang, whatever the deadline says


class Hang(Exception):
    """An example ran for ``HANG`` seconds."""


@contextmanager
def alarm(seconds: int = HANG) -> Iterator[None]:
    """Raise :class:`Hang` in the test if it runs longer than ``seconds``."""

    def ring(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- text disclosures ------------------------------------------------------------------------

TITLES = [
    "部门收支总表",
    "部门收入总表",
    "部门支出总表",
    "财政拨款收支总表",
    "一般公共预算支出表",
    "一般公共预算基本支出表",
    "一般公共预算“三公”经费支出表",
    "政府性基金预算支出表",
    "部门预算收支总表",
    "收支预算总表",
    "2023年部门财务收支预算总表",
    "项目支出绩效目标表",
    "部门整体支出绩效目标表",
    "政府采购预算表",
    "机构设置情况",
    "名词解释",
    "目录",
    "2023年部门预算信息公开",
]
PREAMBLE = [
    "单位：万元",
    "单位：元",
    "单位:亿元",
    "部门：秦皇岛经济技术开发区党群工作部",
    "编制单位：某某局",
    "预算年度：",
    "2023",
    "公开01表",
    "表一",
    "部门编码：203",
]
HEADERS = [
    "科目编码\t科目名称\t合计\t基本支出\t项目支出",
    "功能分类科目编码\t\t\t科目名称\t合计\t基本支出\t项目支出",
    "类\t款\t项",
    "项目\t本年预算数",
    "收入\t\t支出",
    "项目\t预算数\t项目\t预算数",
    "栏次\t1\t2\t3",
    "序号\t单位名称\t单位性质\t单位规格\t经费保障形式",
    "一级指标\t二级指标\t三级指标\t指标值",
]
NAMES = [
    "一般公共服务支出",
    "行政运行",
    "合计",
    "总计",
    "其中：",
    "一、财政拨款收入",
    "二、事业收入",
    "机关事业单位基本养老保险缴费支出",
    "",
    "-",
    "…",
]

_code = st.one_of(
    st.sampled_from(["201", "20101", "2010101", "208", "20805", "2080505", "01", "1"]),
    st.from_regex(r"\A[0-9]{1,9}\Z"),
)
_amount = st.one_of(
    st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False).map(
        lambda d: f"{d:,}" if abs(d) >= 1000 else str(d)
    ),
    st.sampled_from(["", "-", "0", "0.00", "1,234.56", "1.2.3", "12,34", "（100）", "100%"]),
    st.text(max_size=6),
)
_cell = st.one_of(_code, _amount, st.sampled_from(NAMES), st.text(max_size=12))
_row = st.lists(_cell, min_size=2, max_size=12).map("\t".join)
_junk = st.text(
    st.characters(exclude_categories=("Cs",)),  # any character a file can hold (no surrogates)
    max_size=40,
)
_long = st.tuples(
    st.sampled_from(["1\t", "\t", "部门", "1,234.56", "a"]), st.integers(100, 20_000)
).map(lambda x: x[0] * x[1])
_line = st.one_of(
    st.sampled_from(TITLES),
    st.sampled_from(PREAMBLE),
    st.sampled_from(HEADERS),
    _row,
    _row,
    _row,
    st.just(""),
    st.just("\x0c"),
    _junk,
    _long,
    st.sampled_from(["\x01", "\x1b[0m", "\x7f", "\r", "\u3000", "\ufeff", "\u200b"]),
)
#: A table as printed: its title, preamble lines, a header and rows (then lines of any kind).
_block = st.tuples(
    st.sampled_from(TITLES),
    st.lists(st.sampled_from(PREAMBLE), max_size=3),
    st.sampled_from(HEADERS),
    st.lists(_row, min_size=1, max_size=15),
).map(lambda b: [b[0], *b[1], b[2], *b[3]])
_lines = st.lists(st.one_of(_line.map(lambda x: [x]), _block), max_size=12).map(
    lambda parts: [x for part in parts for x in part]
)
_encoding = st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])
_damage = st.one_of(
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(b"")),
)


def text_bytes(lines: list[str], encoding: str, newline: str, damage: list[tuple]) -> bytes:
    data = newline.join(lines).encode(encoding, errors="replace")
    for op, where, extra in damage:
        at = int(where * len(data))
        data = data[:at] + extra + data[at:] if op == "insert" else data[:at]
    return data


def read_outcome(data: bytes, folder: Path) -> None:
    """Read ``data`` as a text disclosure: a document or an :class:`OpendataError`."""
    path = folder / "fuzzed.txt"
    path.write_bytes(data)
    try:
        with alarm():
            doc = read_document(path)
            audit_document(doc)
    except OpendataError as exc:
        event(f"outcome: {type(exc).__name__}")
        assert exc.path is not None, exc  # the message names the file
        return
    event(f"outcome: a document ({'with' if doc.tables else 'without'} tables)")
    assert doc.tables or doc.projects or doc.sections


@settings(FUZZ)
@given(
    lines=_lines,
    encoding=_encoding,
    newline=st.sampled_from(["\n", "\r\n"]),
    damage=st.lists(_damage, max_size=2),
)
def test_fuzzed_text_disclosure_reads_or_raises_an_opendata_error(
    lines: list[str], encoding: str, newline: str, damage: list[tuple]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        read_outcome(text_bytes(lines, encoding, newline, damage), Path(tmp))


SAMPLE_TEXT = (Path(__file__).resolve().parent.parent / "samples").glob("*.txt")
SAMPLE_LINES = next(SAMPLE_TEXT).read_text(encoding="utf-8").split("\n")


@settings(FUZZ)
@given(
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 3), _line), max_size=8),
    encoding=_encoding,
    damage=st.lists(_damage, max_size=1),
)
def test_fuzzed_sample_reads_or_raises_an_opendata_error(
    edits: list[tuple[float, int, str]], encoding: str, damage: list[tuple]
) -> None:
    """The sample disclosure with lines replaced, inserted, deleted or cut in half."""
    lines = list(SAMPLE_LINES)
    for where, op, text in edits:
        at = min(int(where * len(lines)), len(lines) - 1)
        if op == 0:
            lines[at] = text
        elif op == 1:
            lines.insert(at, text)
        elif op == 2:
            del lines[at]
        else:
            lines[at] = lines[at][: len(lines[at]) // 2]
    with tempfile.TemporaryDirectory() as tmp:
        read_outcome(text_bytes(lines, encoding, "\n", damage), Path(tmp))


# -- packages on disk -------------------------------------------------------------------------

PACKAGE = next(p for p in sorted(GOLDEN.iterdir()) if (p / "datapackage.json").is_file())
FILES = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*") if p.is_file())
CSVS = [f for f in FILES if f.endswith(".csv")]
DESCRIPTOR_KEYS = ["name", "resources", "sources", "title", "year", "kind", "department"]
RESOURCE_KEYS = ["name", "path", "schema", "table_kind", "title", "source", "printed_columns"]

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
_odd_csv = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", errors="replace")),
    st.just(b""),
    st.just(b"row,line,page\n"),
    st.just(b"row,line\n1,x\n"),
    st.just(b'row,line,page\n"1,2\n'),
    st.just(b"a\x00b,c\n1,2\n"),
    st.just(b"row,line,page\n" + b"x" * 200_000 + b"\n"),
    st.just(b"row,line,page,code\n1,2,3,2010101,extra,extra\n"),
)
_package_op = st.one_of(
    st.tuples(st.just("descriptor"), _json, st.none()),
    st.tuples(st.just("key"), st.sampled_from(DESCRIPTOR_KEYS), _json),
    st.tuples(st.just("drop-key"), st.sampled_from(DESCRIPTOR_KEYS), st.none()),
    st.tuples(
        st.just("resource-key"),
        st.tuples(st.integers(0, 40), st.sampled_from(RESOURCE_KEYS)),
        _json,
    ),
    st.tuples(st.just("delete"), st.sampled_from(FILES), st.none()),
    st.tuples(st.just("csv"), st.sampled_from(CSVS), _odd_csv),
    st.tuples(st.just("truncate"), st.sampled_from(FILES), st.floats(0, 1)),
    st.tuples(st.just("shuffle"), st.sampled_from(CSVS), st.integers(0, 2**32 - 1)),
)


def damage_package(root: Path, ops: list[tuple]) -> None:
    descriptor = root / "datapackage.json"
    for op, what, value in ops:
        if op in ("key", "drop-key", "resource-key"):
            try:
                meta = json.loads(descriptor.read_bytes())
            except (OSError, ValueError):
                continue
            if not isinstance(meta, dict):
                continue
            if op == "key":
                meta[what] = value
            elif op == "drop-key":
                meta.pop(what, None)
            else:
                number, key = what
                resources = meta.get("resources")
                if isinstance(resources, list) and resources:
                    resource = resources[number % len(resources)]
                    if isinstance(resource, dict):
                        resource[key] = value
            descriptor.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        elif op == "descriptor":
            descriptor.write_text(json.dumps(what), encoding="utf-8")
        elif op == "delete":
            (root / what).unlink(missing_ok=True)
        elif op == "csv":
            (root / what).write_bytes(value)
        elif op == "truncate" and (root / what).is_file():
            data = (root / what).read_bytes()
            (root / what).write_bytes(data[: int(value * len(data))])
        elif op == "shuffle" and (root / what).is_file():
            rows = (root / what).read_bytes().split(b"\n")
            random.Random(value).shuffle(rows)
            (root / what).write_bytes(b"\n".join(rows))


def load_outcome(root: Path) -> None:
    """Load a package: its model (and audit) or an :class:`OpendataError`."""
    try:
        with alarm():
            read_descriptor(root)
            audit_document(load_document(root))
    except OpendataError as exc:
        event(f"outcome: {type(exc).__name__}")
        assert exc.path is not None, exc
        return
    event("outcome: loaded")


@settings(FUZZ)
@given(ops=st.lists(_package_op, min_size=1, max_size=4))
def test_damaged_package_loads_or_raises_an_opendata_error(ops: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / PACKAGE.name
        shutil.copytree(PACKAGE, root)
        damage_package(root, ops)
        load_outcome(root)
