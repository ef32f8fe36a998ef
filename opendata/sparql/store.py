"""The embedded triple store: pyoxigraph on disk, one named graph per package.

``opendata load`` bulk-loads each package's graph (``rdf/graph.nt``, else ``rdf/graph.ttl``)
into its own named graph, streamed from the file by pyoxigraph's bulk loader (never built in
memory first), and the toolkit's vocabulary (``vocab/budget.ttl``) and code lists
(``vocab/codelists.ttl``) once, each into a named graph of its own. Loading a package again
replaces its graph; an unchanged file leaves the graph as it is. The store keeps a small
manifest graph (:data:`MANIFEST_GRAPH`) with the SHA-256, package name and triple count of
every graph it holds.

The named graph of a package is its disclosure URI (the ``dcat:Dataset``) followed by
``/graph``, e.g. ``https://w3id.org/opendata-cn/id/disclosure/department-budget-2023-
203-ba858886/graph``: minted under the package's own base, it is stable across re-loads and
the same in every store (``opendata push`` uses it too).

Queries see the union of all graphs as their default graph, so they need no ``GRAPH`` clause.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from opendata.errors import InputError, OpendataError, OutputError, QueryError, StoreError
from opendata.read.datapackage import read_descriptor
from opendata.read.lines import sha256_file
from opendata.resources import toolkit_file
from opendata.sparql.guard import check
from opendata.sparql.results import Results, collect
from opendata.vocab.namespace import VOCAB_URI
from opendata.vocab.uris import DEFAULT_BASE

#: The store's folder when none is given: ``opendata-store/`` in the working directory.
DEFAULT_STORE = "opendata-store"
VOCAB_GRAPH = VOCAB_URI
CODELISTS_GRAPH = DEFAULT_BASE + "codelist"
MANIFEST_GRAPH = "urn:x-opendata:store"
TOOLKIT_GRAPHS = {VOCAB_GRAPH: "vocab/budget.ttl", CODELISTS_GRAPH: "vocab/codelists.ttl"}
GRAPH_FILES = (("rdf/graph.nt", ox.RdfFormat.N_TRIPLES), ("rdf/graph.ttl", ox.RdfFormat.TURTLE))

_DCT = "http://purl.org/dc/terms/"
_VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
_SOURCE = ox.NamedNode(_DCT + "source")
_IDENTIFIER = ox.NamedNode(_DCT + "identifier")
_MODIFIED = ox.NamedNode(_DCT + "modified")
_HASH = ox.NamedNode(_DCT + "hasVersion")


@dataclass(frozen=True)
class PackageGraph:
    """Where a package's graph is and the named graph it goes into."""

    package: str  # the package name (datapackage.json)
    path: Path  # the graph file, N-Triples or Turtle
    format: ox.RdfFormat
    graph: str  # the named graph: the disclosure URI + "/graph"
    disclosure: str

    @property
    def media_type(self) -> str:
        return self.format.media_type


@dataclass(frozen=True)
class LoadResult:
    """One graph loaded into the store."""

    source: str  # the package folder, or the toolkit file
    graph: str
    triples: int
    status: str  # "created" | "replaced" | "unchanged" | "failed" | "superseded"
    seconds: float
    error: OpendataError | None = None


def package_graph(package: Path | str) -> PackageGraph:
    """Find a package's graph file and its named graph URI, reading no more than needed.

    The disclosure URI is the first ``…/id/disclosure/<package name>`` IRI in the file: the
    file is scanned line by line and the scan stops there (observations come early).
    """
    folder, descriptor = read_descriptor(package)
    name = descriptor["name"]
    files = [(folder / relative, fmt) for relative, fmt in GRAPH_FILES]
    path, fmt = next(((p, f) for p, f in files if p.is_file()), (None, None))
    if path is None or fmt is None:
        raise InputError("the package has no graph (rdf/graph.nt or rdf/graph.ttl)", path=folder)
    pattern = re.compile(r"<([^<>\s]*/id/disclosure/" + re.escape(name) + r")[/>]")
    with path.open(encoding="utf-8", errors="replace") as stream:
        for line in stream:
            match = pattern.search(line)
            if match:
                disclosure = match.group(1)
                return PackageGraph(name, path, fmt, disclosure + "/graph", disclosure)
    raise InputError(f"the graph has no disclosure URI for package {name!r}", path=path)


class Store:
    """A pyoxigraph store on disk (or in memory when ``path`` is None)."""

    def __init__(self, path: Path | str | None = DEFAULT_STORE, *, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        try:
            if self.path is None:
                self.ox = ox.Store()
            elif read_only:
                if not self.path.is_dir():
                    raise StoreError(
                        "no store here; load packages first with 'opendata load'",
                        path=self.path,
                    )
                self.ox = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.ox = ox.Store(str(self.path))
        except (OSError, RuntimeError) as exc:  # RuntimeError: RocksDB (locked, damaged …)
            raise StoreError(
                f"cannot open the store (is another opendata process writing it?): {exc}",
                path=self.path,
            ) from exc

    # -- loading -------------------------------------------------------------------------------
    def _manifest_hash(self, graph: str) -> str | None:
        for quad in self.ox.quads_for_pattern(
            ox.NamedNode(graph), _HASH, None, ox.NamedNode(MANIFEST_GRAPH)
        ):
            return str(quad.object.value)
        return None

    def _record(self, graph: str, source: str, digest: str, name: str, triples: int) -> None:
        node, meta = ox.NamedNode(graph), ox.NamedNode(MANIFEST_GRAPH)
        for quad in list(self.ox.quads_for_pattern(node, None, None, meta)):
            self.ox.remove(quad)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        xsd = "http://www.w3.org/2001/XMLSchema#"
        self.ox.extend(
            [
                ox.Quad(node, _HASH, ox.Literal("sha256:" + digest), meta),
                ox.Quad(node, _SOURCE, ox.Literal(source), meta),
                ox.Quad(node, _IDENTIFIER, ox.Literal(name), meta),
                ox.Quad(
                    node, _MODIFIED, ox.Literal(now, datatype=ox.NamedNode(xsd + "dateTime")), meta
                ),
                ox.Quad(
                    node,
                    _VOID_TRIPLES,
                    ox.Literal(str(triples), datatype=ox.NamedNode(xsd + "integer")),
                    meta,
                ),
            ]
        )

    def triples_in(self, graph: str) -> int:
        result = self.ox.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        )
        return int(next(iter(result))["n"].value)  # type: ignore[index,union-attr]

    def _load_file(
        self, path: Path, fmt: ox.RdfFormat, graph: str, source: str, name: str, force: bool
    ) -> LoadResult:
        started = time.perf_counter()
        digest = sha256_file(path)
        node = ox.NamedNode(graph)
        exists = self.ox.contains_named_graph(node)
        if exists and not force and self._manifest_hash(graph) == "sha256:" + digest:
            triples = self.triples_in(graph)
            return LoadResult(source, graph, triples, "unchanged", time.perf_counter() - started)
        try:
            if exists:
                self.ox.remove_graph(node)
            self.ox.bulk_load(path=str(path), format=fmt, to_graph=node)
        except SyntaxError as exc:
            if self.ox.contains_named_graph(node):
                self.ox.remove_graph(node)
            raise InputError(f"the graph is not valid {fmt.name}: {exc}", path=path) from exc
        except OSError as exc:
            raise OutputError(f"cannot write to the store: {exc}", path=self.path) from exc
        triples = self.triples_in(graph)
        self._record(graph, source, digest, name, triples)
        self.ox.flush()
        status = "replaced" if exists else "created"
        return LoadResult(source, graph, triples, status, time.perf_counter() - started)

    def load_package(self, package: Path | str, *, force: bool = False) -> LoadResult:
        """Load (or replace) one package's graph in its named graph."""
        return next(iter(self.load_packages([package], force=force)))

    def load_packages(
        self, packages: Iterable[Path | str], *, force: bool = False
    ) -> Iterator[LoadResult]:
        """Load (or replace) packages' graphs, all changed ones in one streamed bulk load.

        Each graph file is streamed into one N-Quads file in the store's folder (N-Triples line
        by line, Turtle through pyoxigraph's parser), which pyoxigraph's bulk loader then
        reads: one bulk load for many small graphs is several times faster than one each.
        Unchanged graphs (same SHA-256 as loaded) are left alone.
        """
        todo: list[tuple[str, PackageGraph, str, bool]] = []
        for package in packages:
            started = time.perf_counter()
            try:
                found = package_graph(package)
            except InputError as exc:  # without its traceback, which would keep the store open
                yield LoadResult(str(package), "", 0, "failed", 0.0, exc.with_traceback(None))
                continue
            digest = sha256_file(found.path)
            exists = self.ox.contains_named_graph(ox.NamedNode(found.graph))
            if exists and not force and self._manifest_hash(found.graph) == "sha256:" + digest:
                triples = self.triples_in(found.graph)
                seconds = time.perf_counter() - started
                yield LoadResult(str(package), found.graph, triples, "unchanged", seconds)
                continue
            for earlier in [t for t in todo if t[1].graph == found.graph]:
                # the same package twice (or two with one name): the last one given wins
                todo.remove(earlier)
                yield LoadResult(earlier[0], found.graph, 0, "superseded", 0.0)
            todo.append((str(package), found, digest, exists))
        if not todo:
            return
        yield from self._bulk(todo)

    def _bulk(self, todo: list[tuple[str, PackageGraph, str, bool]]) -> Iterator[LoadResult]:
        import tempfile

        started = time.perf_counter()
        folder = self.path if self.path is not None else None
        failed: dict[str, OpendataError] = {}
        with tempfile.NamedTemporaryFile("wb", suffix=".nq", dir=folder, delete=False) as stream:
            spool = Path(stream.name)
            for source, found, _, exists in todo:
                if exists:
                    self.ox.remove_graph(ox.NamedNode(found.graph))
                try:
                    _write_quads(found, stream)
                except (SyntaxError, UnicodeDecodeError, OSError) as exc:
                    failed[source] = InputError(
                        f"the graph is not valid {found.format.name}: {exc}", path=found.path
                    )
        try:
            self.ox.bulk_load(path=str(spool), format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise InputError(f"a graph is not valid RDF: {exc}") from exc
        except OSError as exc:
            raise OutputError(f"cannot write to the store: {exc}", path=self.path) from exc
        finally:
            spool.unlink(missing_ok=True)
        seconds = (time.perf_counter() - started) / len(todo)
        for source, found, digest, exists in todo:
            if source in failed:
                if self.ox.contains_named_graph(ox.NamedNode(found.graph)):
                    self.ox.remove_graph(ox.NamedNode(found.graph))
                yield LoadResult(source, found.graph, 0, "failed", 0.0, failed[source])
                continue
            triples = self.triples_in(found.graph)
            self._record(found.graph, source, digest, found.package, triples)
            status = "replaced" if exists else "created"
            yield LoadResult(source, found.graph, triples, status, seconds)
        self.ox.flush()

    def load_toolkit_graphs(self, *, force: bool = False) -> list[LoadResult]:
        """The vocabulary and the code lists, each in its named graph (replaced when changed)."""
        return [
            self._load_file(
                toolkit_file(relative), ox.RdfFormat.TURTLE, graph, relative, relative, force
            )
            for graph, relative in TOOLKIT_GRAPHS.items()
        ]

    # -- reading -------------------------------------------------------------------------------
    def graphs(self) -> list[dict[str, str]]:
        """Every named graph with its manifest entry: graph, name, source, triples, modified."""
        rows = self.ox.query(
            "SELECT ?graph ?name ?source ?triples ?modified WHERE { GRAPH <"
            + MANIFEST_GRAPH
            + "> { ?graph <"
            + _IDENTIFIER.value
            + "> ?name ; <"
            + _SOURCE.value
            + "> ?source ; <"
            + _VOID_TRIPLES.value
            + "> ?triples ; <"
            + _MODIFIED.value
            + "> ?modified } } ORDER BY ?graph"
        )
        names = ("graph", "name", "source", "triples", "modified")
        return [
            {n: row[n].value for n in names}  # type: ignore[index,union-attr]
            for row in rows  # type: ignore[union-attr]
        ]

    def query(
        self, sparql: str, substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query over the union of every graph (raises :class:`QueryError`)."""
        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        try:
            return self.ox.query(sparql, use_default_graph_as_union=True, substitutions=subs)
        except SyntaxError as exc:
            raise QueryError(f"the query is not valid SPARQL: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"cannot read the store: {exc}", path=self.path) from exc
        except RuntimeError as exc:  # e.g. a substituted variable the query does not select
            raise QueryError(f"the query cannot run: {exc}") from exc

    def describe(self, uri: str) -> list[ox.Triple]:
        """The description of a resource: its triples as subject, in every graph."""
        seen: set[ox.Triple] = set()
        triples = []
        for quad in self.ox.quads_for_pattern(ox.NamedNode(uri), None, None, None):
            if str(quad.graph_name) == f"<{MANIFEST_GRAPH}>":
                continue
            triple = quad.triple
            if triple not in seen:
                seen.add(triple)
                triples.append(triple)
        return triples


def load(
    packages: Iterable[Path | str], store: Path | str = DEFAULT_STORE, *, force: bool = False
) -> Iterator[LoadResult]:
    """Load the toolkit graphs (when missing or changed) and each package into ``store``.

    Yields one result per graph as it is loaded. A package that cannot be read gives a
    ``failed`` result with its error, and the packages after it are still loaded.
    """
    target = Store(store)
    yield from target.load_toolkit_graphs(force=force)
    yield from target.load_packages(packages, force=force)


def _write_quads(found: PackageGraph, stream: IO[bytes]) -> None:
    """Append a package's graph to an N-Quads stream, in its named graph, never all in memory.

    The whole graph is checked first (a file that does not parse adds nothing)."""
    suffix = f" <{found.graph}> .\n".encode()
    if found.format == ox.RdfFormat.N_TRIPLES:
        for _ in ox.parse(path=str(found.path), format=found.format):
            pass  # validate: a broken file must not half-load
        with found.path.open("rb") as lines:
            for line in lines:
                body = line.rstrip()
                if body and not body.startswith(b"#"):
                    if not body.endswith(b"."):
                        raise SyntaxError(f"not an N-Triples statement: {body[:80]!r}")
                    stream.write(body[:-1].rstrip() + suffix)
        return
    for _ in ox.parse(path=str(found.path), format=found.format):
        pass
    graph = ox.NamedNode(found.graph)
    quads = (
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(path=str(found.path), format=found.format)
    )
    ox.serialize(quads, stream, format=ox.RdfFormat.N_QUADS)


def query(
    store: Path | str,
    text: str,
    bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
    limit: int | None = None,
) -> Results:
    """Run a SPARQL query on the store at ``store`` (opened read-only) and collect its outcome.

    The query is checked first (:func:`opendata.sparql.guard.check`: size, nesting, operators,
    no SERVICE, no update; raises :class:`~opendata.errors.QueryRefused`): a query nested too
    deeply would overflow pyoxigraph's stack and kill the process."""
    check(text)
    return collect(Store(store, read_only=True).query(text, bindings), limit)
