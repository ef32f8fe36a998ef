"""The embedded store and the named queries: each named query's answer on the corpus packages.

The store is loaded from the golden packages of every corpus document (``tests/golden/``), which
``tests/test_corpus.py`` keeps equal to fresh conversions. Expected answers are written out, or
computed independently from the packages' CSV files.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks.synthetic import disclosures
from opendata.errors import QueryError, StoreError, UnknownQueryError
from opendata.read.document import read_document
from opendata.sparql.queries import named_queries, named_query
from opendata.sparql.results import Results, render
from opendata.sparql.store import (
    CODELISTS_GRAPH,
    VOCAB_GRAPH,
    Store,
    load,
    package_graph,
    query,
)
from opendata.write.package import write_package
from tests.cli_helpers import invoke, run_script
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
BASE = "https://w3id.org/opendata-cn/"
# one package per disclosure, of the documents whose answers the tests below pin: the Jiangsu
# tables alone are left out (the same package as tables + narrative, which replaces it)
STORE_DOCUMENTS = (
    "js-procuratorate-2019-budget",
    "js-provincial-party-office-2019-budget-narrative",
    "js-provincial-party-office-2019-budget-tables+js-provincial-party-office-2019-budget-narrative",
    "qinhuangdao-etdz-party-building-2023-budget",
    "sh-2024-final-account-template",
    "sh-putuo-party-social-work-dept-2024-final-account",
    "sh-putuo-wanli-subdistrict-2023-budget",
)
PACKAGES = sorted(
    p
    for name in STORE_DOCUMENTS
    for p in (GOLDEN / name).glob("*")
    if (p / "datapackage.json").is_file()
)
QINHUANGDAO = BASE + "id/department/203-ba858886"
WANLI = BASE + "id/department/eece0746"
FACTOR = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(10**8)}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store") / "opendata-store"
    results = list(load(PACKAGES, folder))
    assert [r.error for r in results if r.error] == []
    return folder


def publisher(store: Path, package: Path) -> str:
    disclosure = package_graph(package).disclosure
    result = query(
        store, f"SELECT ?d WHERE {{ <{disclosure}> <http://purl.org/dc/terms/publisher> ?d }}"
    )
    return result.rows[0][0].value  # type: ignore[union-attr]


def rows(store: Path, name: str, **params: str) -> list[dict[str, str]]:
    q = named_query(name)
    result = query(store, q.text, q.bindings(params))
    return [
        {v: ("" if t is None else t.value) for v, t in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


# -- the store -----------------------------------------------------------------------------------


def test_each_package_in_its_named_graph_and_vocabulary_once(store: Path) -> None:
    s = Store(store, read_only=True)
    graphs = {str(g.value) for g in s.ox.named_graphs()}
    expected = {package_graph(p).graph for p in PACKAGES}
    assert expected <= graphs
    assert {VOCAB_GRAPH, CODELISTS_GRAPH} <= graphs
    manifest = {g["graph"]: g for g in s.graphs()}
    for package in PACKAGES:
        found = package_graph(package)
        assert found.graph == found.disclosure + "/graph"
        assert found.disclosure == f"{BASE}id/disclosure/{package.name}"
        triples = sum(1 for _ in ox.parse(path=str(found.path), format=found.format))
        assert int(manifest[found.graph]["triples"]) == triples == s.triples_in(found.graph)


def test_loading_again_is_idempotent_and_a_changed_graph_replaces_the_old(tmp_path: Path) -> None:
    package = next(p for p in PACKAGES if p.name == "department-budget-2023-203-ba858886")
    copy = tmp_path / package.name
    (copy / "rdf").mkdir(parents=True)
    (copy / "datapackage.json").write_bytes((package / "datapackage.json").read_bytes())
    graph = (package / "rdf" / "graph.ttl").read_text(encoding="utf-8")
    (copy / "rdf" / "graph.ttl").write_text(graph, encoding="utf-8")
    folder = tmp_path / "store"
    first = list(load([copy], folder))
    assert [r.status for r in first] == ["created", "created", "created"]
    again = list(load([copy], folder))
    assert [r.status for r in again] == ["unchanged"] * 3
    assert again[2].triples == first[2].triples == 7816
    # drop one observation: reloading replaces the graph (the triple is gone, nothing doubles)
    lines = graph.splitlines()
    cut = next(i for i, line in enumerate(lines) if "/amount/income/" in line)
    end = next(i for i in range(cut, len(lines)) if lines[i].endswith(" ."))
    (copy / "rdf" / "graph.ttl").write_text(
        "\n".join(lines[:cut] + lines[end + 1 :]) + "\n", encoding="utf-8"
    )
    changed = list(load([copy], folder))[2]
    assert changed.status == "replaced"
    assert 7790 < changed.triples < 7816
    assert Store(folder, read_only=True).triples_in(changed.graph) == changed.triples


def test_loading_prefers_n_triples_and_streams_through_one_bulk_load(tmp_path: Path) -> None:
    sample = next((ROOT / "datapackages").iterdir())
    assert package_graph(sample).path.name == "graph.nt"
    folder = tmp_path / "store"
    result = list(load([sample], folder))[2]
    assert result.status == "created" and result.triples == 7816
    assert not list(folder.glob("*.nq"))  # the spool file is gone


def test_bad_packages_are_reported_and_the_others_loaded(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    (broken / "rdf").mkdir(parents=True)
    (broken / "datapackage.json").write_text('{"name": "broken"}', encoding="utf-8")
    (broken / "rdf" / "graph.nt").write_text(
        '<https://x.org/id/disclosure/broken> <https://x.org/p> "open .\n', encoding="utf-8"
    )
    results = list(load([tmp_path / "missing", broken, PACKAGES[0]], tmp_path / "store"))
    assert [r.status for r in results[2:]] == ["failed", "failed", "created"]
    assert "no datapackage.json" in str(results[2].error)
    assert "not valid N-Triples" in str(results[3].error)
    assert not Store(tmp_path / "store", read_only=True).ox.contains_named_graph(
        ox.NamedNode("https://x.org/id/disclosure/broken/graph")
    )


def test_cli_load_and_query(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    done = invoke("load", PACKAGES[0], "--store", folder)
    assert done.exit_code == 0, done.output
    assert "[created]" in done.output and "triples" in done.output
    done = invoke("query", "--store", folder, "--format", "csv", "ASK { ?s a ?o }")
    assert done.output.splitlines() == ["boolean", "true"]
    done = run_script("query", "--store", folder, "SELECT ?x WHERE { ?x", cwd=tmp_path)
    assert done.returncode == 2 and "not valid SPARQL" in done.stderr
    done = run_script("query", "--store", tmp_path / "none", "ASK {}", cwd=tmp_path)
    assert done.returncode == 5 and "load packages first" in done.stderr
    rq = tmp_path / "q.rq"
    rq.write_text("CONSTRUCT WHERE { ?d a <https://w3id.org/opendata-cn/vocab#Department> }")
    done = invoke("query", "--store", folder, "--file", rq, "--format", "turtle")
    assert done.exit_code == 0 and "a cnb:Department" in done.output
    done = run_script(
        "query",
        "--store",
        folder,
        "--format",
        "turtle",
        "SELECT * { ?s ?p ?o } LIMIT 1",
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "for graphs" in done.stderr


def test_console_script_errors_have_no_traceback(tmp_path: Path) -> None:
    done = run_script("load", tmp_path / "nothing", "--store", tmp_path / "s", cwd=tmp_path)
    assert done.returncode == 3 and "no datapackage.json" in done.stderr
    done = run_script("query", "year-over-year", "--store", tmp_path / "s", cwd=tmp_path)
    assert done.returncode == 2 and "needs a value for department" in done.stderr
    done = run_script(
        "query", "three-public", "-p", "year=23", "--store", tmp_path / "s", cwd=tmp_path
    )
    assert done.returncode == 2 and "four digits" in done.stderr
    assert (tmp_path / "s").is_dir()  # the store the first command made


def test_default_store_is_a_folder_in_the_working_directory(tmp_path: Path) -> None:
    done = run_script("load", PACKAGES[0], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "opendata-store").is_dir()
    done = run_script(
        "query", "--format", "json", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", cwd=tmp_path
    )
    answer = json.loads(done.stdout)
    assert int(answer["results"]["bindings"][0]["n"]["value"]) > 20000


# -- output formats ------------------------------------------------------------------------------


def test_formats(store: Path) -> None:
    q = named_query("three-public")
    result = query(store, q.text, q.bindings({"department": QINHUANGDAO}))
    table = render(result, "table")
    assert "中共秦皇岛经济技术开发区工作委员会党建工作部  2023" in table
    assert table.endswith("(2 rows)\n")
    parsed = list(csv.DictReader(render(result, "csv").splitlines()))
    assert [(r["item"], r["amount"]) for r in parsed] == [("reception", "3500"), ("total", "3500")]
    as_json = json.loads(render(result, "json"))
    assert as_json["head"]["vars"][0] == "department_name"
    assert as_json["results"]["bindings"][0]["year"] == {
        "type": "literal",
        "value": "2023",
        "datatype": "http://www.w3.org/2001/XMLSchema#gYear",
    }
    assert render(result, "tsv").splitlines()[1].startswith('"中共秦皇岛')
    assert "<sparql xmlns=" in render(result, "xml")
    with pytest.raises(ValueError):
        render(result, "turtle")
    assert render(Results("ask", boolean=True), "table") == "yes\n"


def test_bad_queries(store: Path) -> None:
    with pytest.raises(QueryError):
        query(store, "SELECT WHERE")
    with pytest.raises(StoreError):
        query(store.parent / "missing", "ASK {}")
    with pytest.raises(UnknownQueryError):
        named_query("no-such-query")
    with pytest.raises(UnknownQueryError):
        named_query("three-public").bindings({"colour": "red"})


# -- the named queries ---------------------------------------------------------------------------


def test_named_queries_are_listed_with_their_parameters() -> None:
    queries = named_queries()
    assert set(queries) == {
        "audit-finding-facts",
        "project-indicators",
        "spending-by-function",
        "three-public",
        "year-over-year",
    }
    for q in queries.values():
        assert q.title and q.description
        # a parameter is bound by substitution, which needs it in the projection
        projection = q.text[q.text.index("SELECT") : q.text.index("WHERE")]
        for p in q.parameters:
            assert f"?{p.name}" in projection.split(), (q.name, p.name)
    done = invoke("query", "--list")
    assert done.exit_code == 0
    assert "--param department=… (iri, required)" in done.output
    assert "spending-by-function\n  Spending by functional 类 and 款" in done.output


def test_sparql_page_lists_every_named_query_and_the_store_folder() -> None:
    page = (ROOT / "docs" / "sparql.md").read_text(encoding="utf-8")
    for name in named_queries():
        assert f"| `{name}` |" in page, name
    assert "**`opendata-store/`**" in page


def _csv_amounts(package: Path, table: str) -> dict[str, Decimal]:
    """The printed 合计 of every 类 and 款 row of a table, in 元, from the package's CSV."""
    out = {}
    with (package / "data" / f"{table}.csv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            if len(row["code"]) in (3, 5) and row["total"] not in ("", "-"):
                out[row["code"]] = Decimal(row["total"]) * FACTOR[row["unit"]]
    return out


def test_spending_by_function(store: Path) -> None:
    found = rows(store, "spending-by-function")
    by_department: dict[str, list[dict[str, str]]] = {}
    for row in found:
        by_department.setdefault(row["department"], []).append(row)
    # the 支出总表 where it has codes, else the 一般公共预算支出表 (Jiangsu 2019)
    assert {
        d.rsplit("/", 1)[1]: {r["source_table"] for r in rs} for d, rs in by_department.items()
    } == {
        "203-ba858886": {"expenditure"},
        "eece0746": {"expenditure"},
        "92bd6971": {"final_expenditure"},
        "1ad904ee": {"general_budget_expenditure"},
        "c7b9d9dd": {"general_budget_expenditure"},
    }
    # every answer is the printed amount of the CSV, and every 类/款 of the CSV is answered
    for package in PACKAGES:
        department = publisher(store, package)
        if department not in by_department:
            continue  # no expenditure by function (the template, the narrative alone)
        table = by_department[department][0]["source_table"]
        answered = {r["code"]: Decimal(r["amount"]) for r in by_department[department]}
        assert answered == _csv_amounts(package, table), package.name
    qinhuangdao = [
        (r["year"], r["phase"], r["level"], r["code"], r["name"], r["amount"])
        for r in rows(store, "spending-by-function", department=QINHUANGDAO)
    ]
    assert qinhuangdao == [
        ("2023", "预算", "类", "201", "一般公共服务支出", "10383800"),
        ("2023", "预算", "款", "20131", "党委办公厅（室）及相关机构事务", "10375000"),
        ("2023", "预算", "款", "20134", "统战事务", "8800"),
        ("2023", "预算", "类", "207", "文化旅游体育与传媒支出", "466400"),
        ("2023", "预算", "款", "20701", "文化和旅游", "453600"),
        ("2023", "预算", "款", "20799", "其他文化旅游体育与传媒支出", "12800"),
        ("2023", "预算", "类", "208", "社会保障和就业支出", "646800"),
        ("2023", "预算", "款", "20805", "行政事业单位养老支出", "646800"),
        ("2023", "预算", "类", "210", "卫生健康支出", "533100"),
        ("2023", "预算", "款", "21011", "行政事业单位医疗", "533100"),
        ("2023", "预算", "类", "221", "住房保障支出", "381300"),
        ("2023", "预算", "款", "22102", "住房改革支出", "381300"),
    ]
    assert rows(store, "spending-by-function", year="2018") == []
    assert {r["year"] for r in rows(store, "spending-by-function", year="2024")} == {"2024"}


def test_three_public(store: Path) -> None:
    found = [
        (
            r["department"].rsplit("/", 1)[1],
            r["year"],
            r["phase"],
            r["item"],
            r["measure"],
            r["amount"],
        )
        for r in rows(store, "three-public")
    ]
    assert sorted(found) == sorted(
        [
            ("eece0746", "2023", "预算", "overseas", "预算数", "0"),
            ("eece0746", "2023", "预算", "reception", "预算数", "13500"),
            ("eece0746", "2023", "预算", "total", "预算数", "229100"),
            ("eece0746", "2023", "预算", "vehicle_operation", "预算数", "215600"),
            ("eece0746", "2023", "预算", "vehicle_purchase", "预算数", "0"),
            ("eece0746", "2023", "预算", "vehicles", "预算数", "215600"),
            # items as columns beside 会议费 and 培训费: the total is the “三公” 小计
            ("1ad904ee", "2019", "预算", "overseas", "预算数", "700000"),
            ("1ad904ee", "2019", "预算", "reception", "预算数", "270000"),
            ("1ad904ee", "2019", "预算", "total", "预算数", "5082000"),
            ("1ad904ee", "2019", "预算", "vehicle_operation", "预算数", "4112000"),
            ("1ad904ee", "2019", "预算", "vehicles", "预算数", "4112000"),
            # items as rows: the 小计 row, not 合计 (which is 13.76 万元 in the sample)
            ("203-ba858886", "2023", "预算", "reception", "预算数", "3500"),
            ("203-ba858886", "2023", "预算", "total", "预算数", "3500"),
            ("c7b9d9dd", "2019", "预算", "overseas", "预算数", "800000"),
            ("c7b9d9dd", "2019", "预算", "reception", "预算数", "1012600"),
            ("c7b9d9dd", "2019", "预算", "total", "预算数", "4182600"),
            ("c7b9d9dd", "2019", "预算", "vehicle_operation", "预算数", "2370000"),
            ("c7b9d9dd", "2019", "预算", "vehicles", "预算数", "2370000"),
        ]
    )


def test_projects_with_indicators_and_targets(store: Path) -> None:
    found = rows(store, "project-indicators")
    assert len(found) == 175 + 65
    qinhuangdao = [r for r in found if r["indicator_uri"].startswith(QINHUANGDAO)]
    assert len(qinhuangdao) == 175 and len({r["project"] for r in qinhuangdao}) == 27
    by_key = {(r["project"], r["indicator"]): r for r in qinhuangdao}
    row = by_key[("2021 年追加干部人事档案信息化建设工作经费", "制作数字化档案数量")]
    assert (row["year"], row["level1"], row["level2"], row["target"]) == (
        "2023",
        "产出指标",
        "数量指标",
        "≥800 卷",
    )
    assert (row["comparator"], Decimal(row["value"]), row["unit"]) == (">=", Decimal(800), "卷")
    wanli = rows(store, "project-indicators", department=WANLI)
    assert len(wanli) == 65 and len({r["project"] for r in wanli}) == 5
    first = wanli[0]
    assert (
        first["project"],
        first["indicator"],
        first["target"],
        first["value"],
        first["unit"],
    ) == (
        "公共服务设施运行经费",
        "开展活动300场",
        "=300.00(场)",
        "300",
        "场",
    )


def test_year_over_year_on_a_synthetic_department(tmp_path: Path) -> None:
    docs = disclosures(3, seed=11, years_per_department=3)
    packages = []
    for doc in docs:
        path = tmp_path / f"{doc.year}.txt"
        path.write_text(doc.render(), encoding="utf-8")
        packages.append(write_package(read_document(path), tmp_path / "out").path)
    folder = tmp_path / "store"
    assert all(r.error is None for r in load(packages, folder))
    department = publisher(folder, packages[0])
    found = rows(folder, "year-over-year", department=department)
    assert {r["year"] for r in found} == {"2022", "2023"}  # 2021 has no year before it
    for year in (2022, 2023):
        now = {k: v * 10000 for k, v in docs[year - 2021].amounts("expenditure").items()}
        before = {k: v * 10000 for k, v in docs[year - 2022].amounts("expenditure").items()}
        answered = {
            r["code"]: (Decimal(r["amount"]), Decimal(r["previous"]), Decimal(r["change"]))
            for r in found
            if r["year"] == str(year) and r["table"] == "expenditure" and r["column"] == "total"
        }
        assert answered == {
            code: (now[code], before[code], now[code] - before[code]) for code in now
        }
        for r in found:
            if r["year"] == str(year) and r["previous"] not in ("", "0"):
                expected = (Decimal(r["change"]) / Decimal(r["previous"]) * 100).quantize(
                    Decimal("0.01")
                )
                assert abs(Decimal(r["change_percent"]) - expected) <= Decimal("0.01")
    assert rows(folder, "year-over-year", department=department, year="2023") == [
        r for r in found if r["year"] == "2023"
    ]


def test_facts_behind_an_audit_finding(store: Path) -> None:
    """The sample's audit findings (issue 5) and the printed amounts each one concerns."""
    found = rows(store, "audit-finding-facts", department=QINHUANGDAO)
    assert [
        (
            r["finding"].rsplit("/", 1)[1],
            r["rule"],
            r["status"],
            r["severity"],
            r["expected"],
            r["actual"],
            r["difference"],
            r["table"],
            r["label"],
            r["column"],
            r["amount"],
            r["printed"],
            r["unit"],
        )
        for r in found
    ] == [
        ("329", "N-FIGURES", "FAIL", "error", "1241.14", "1240.26", "-0.88", "budget_summary",
         "本年支出合计", "expenditure_amount", "12411400", "1241.14", "万元"),
        ("332", "N-FIGURES", "FAIL", "error", "448.31", "447.43", "-0.88", "expenditure",
         "合计", "project", "4483100", "448.31", "万元"),
        ("335", "N-FIGURES", "FAIL", "error", "3.41", "13.41", "10", "general_budget_basic",
         "培训费", "total", "34100", "3.41", "万元"),
        ("260", "T-THREE-PUBLIC", "FAIL", "error", "13.76", "0.35", "-13.41", "three_public",
         "合计", "total", "137600", "13.76", "万元"),
        ("262", "T-THREE-PUBLIC", "FAIL", "error", "13.76", "0.35", "-13.41", "three_public",
         "合计", "general_budget", "137600", "13.76", "万元"),
    ]  # fmt: skip
    training = found[2]
    assert training["message"].startswith("the text says 13.41 万元")
    assert training["row"] == "30216" and training["line"]
    # by rule, and by finding
    assert len(rows(store, "audit-finding-facts", rule="T-THREE-PUBLIC")) >= 2
    one = rows(store, "audit-finding-facts", finding=training["finding"])
    assert one == [training]
    assert rows(store, "audit-finding-facts", rule="NO-SUCH-RULE") == []
