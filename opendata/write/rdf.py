"""The linked-data graph of one disclosure: DCAT, ORG, SKOS, W3C Data Cube and PROV.

Built from the model and the ``facts`` rows the package writer made, so the graph and the CSVs
say the same. Every printed amount becomes a ``qb:Observation`` of the disclosure's
``qb:DataSet`` (structure ``cnb:structure``): dimensions department, fiscal year, phase, table,
row, functional and economic classification (``cnb:notApplicable`` for rows without such a
code) and column; measure ``cnb:amount`` in 元 as ``xsd:decimal``; the printed unit and value as
attributes. URIs follow :mod:`opendata.vocab.uris`. The terms and the set of triples are those of
:mod:`opendata.write.triples`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from opendata.audit import AuditReport
from opendata.kinds.catalogue import KINDS_BY_KEY
from opendata.model import UNIT_TO_YUAN, Document, Indicator
from opendata.read.lines import mend_spaces
from opendata.vocab.cofog_alignment import FUNCTIONAL_TO_COFOG, FUNCTIONAL_UNMAPPED
from opendata.vocab.uris import Minter, base_uri, department_key, key, scheme_uri
from opendata.write.triples import (
    CNB,
    DCAT,
    DCTERMS,
    ORG,
    PROV,
    QB,
    RDF,
    RDFS,
    SKOS,
    XSD_DATE,
    XSD_GYEAR,
    Plain,
    TripleSet,
    decimal,
    integer,
    iri,
    literal,
    term,
    zh_text,
)

CNY = iri("http://publications.europa.eu/resource/authority/currency/CNY")
IANA = "https://www.iana.org/assignments/media-types/"
PHASES = {"预算": ("budget", "budget", "预算"), "决算": ("final-account", "final account", "决算")}
SCHEME_TITLES = {
    "functional": ("政府收支分类科目（支出功能分类）", "functional classification of expenditure"),
    "economic": ("政府收支分类科目（支出经济分类）", "economic classification of expenditure"),
}


class _Builder:
    def __init__(self, doc: Document, package: str, base: str | None) -> None:
        self.doc = doc
        self.base = base_uri(base)
        dept = doc.department or doc.title or package
        self.mint = Minter(self.base, package, department_key(doc.department_code, dept), doc.year)
        self.g = TripleSet()
        # concepts already added (code, column, phase): adding one again adds nothing new
        self._done: dict[tuple[str, ...], Plain] = {}

    def add(self, s: str | Plain, p: Plain, o: object) -> None:
        if o is None or o == "":
            return
        self.g.add((s if type(s) is tuple else iri(s), p, term(o)))  # type: ignore[arg-type]

    # -- code lists ------------------------------------------------------------------------------
    def concept(
        self,
        scheme: str,
        code: str,
        label: str | None,
        year: int | None = None,
        broader: Plain | None = None,
        en: str | None = None,
    ) -> Plain:
        uri = iri(self.mint.concept(scheme, code, year))
        scheme_ref = iri(scheme_uri(self.base, scheme, year))
        if (uri, RDF.type, SKOS.Concept) not in self.g:
            self.add(uri, RDF.type, SKOS.Concept)
            self.add(uri, SKOS.notation, code)
            self.add(uri, SKOS.inScheme, scheme_ref)
            self.add(scheme_ref, RDF.type, SKOS.ConceptScheme)
            if broader:
                self.add(uri, SKOS.broader, broader)
            else:
                self.add(uri, SKOS.topConceptOf, scheme_ref)
                self.add(scheme_ref, SKOS.hasTopConcept, uri)
        if label and (uri, SKOS.prefLabel, None) not in self.g:
            self.add(uri, SKOS.prefLabel, zh_text(label))
        if en and not any(o[2] == "en" for o in self.g.objects(uri, SKOS.prefLabel)):
            self.add(uri, SKOS.prefLabel, literal(en, "en"))
        return uri

    def code(self, scheme: str, code: str, label: str | None) -> Plain:
        """A classification concept of the document's year, with its parents from the prefix."""
        done = self._done.get(("code", scheme, code, label or ""))
        if done is None:
            done = self._done[("code", scheme, code, label or "")] = self._code(scheme, code, label)
        return done

    def _code(self, scheme: str, code: str, label: str | None) -> Plain:
        year = self.doc.year
        parent = None
        if len(code) > 3:
            parent = self.code(scheme, code[:-2], None)
        title = SCHEME_TITLES[scheme]
        scheme_ref = iri(scheme_uri(self.base, scheme, year))
        if scheme == "functional" and len(code) == 3:
            self.cofog(code)
        self.add(scheme_ref, DCTERMS.title, zh_text(f"{year or ''}年{title[0]}"))
        self.add(scheme_ref, DCTERMS.title, literal(f"{title[1]}, {year} edition", "en"))
        return self.concept(scheme, code, label, year, parent)

    def cofog(self, code: str) -> None:
        """A functional class's alignment to COFOG 1999, with its basis (see docs/)."""

        concept = iri(self.mint.concept("functional", code, self.doc.year))
        if code in FUNCTIONAL_TO_COFOG:
            target, match, basis = FUNCTIONAL_TO_COFOG[code]
            self.add(concept, SKOS[match], iri(f"{scheme_uri(self.base, 'cofog', 1999)}/{target}"))
            self.add(concept, SKOS.editorialNote, literal(basis, "en"))
        elif code in FUNCTIONAL_UNMAPPED:
            self.add(concept, SKOS.editorialNote, literal(FUNCTIONAL_UNMAPPED[code], "en"))

    # -- the parts -------------------------------------------------------------------------------
    def disclosure(self, distributions: dict[str, str]) -> None:
        doc, m = self.doc, self.mint
        self.add(m.disclosure, RDF.type, CNB.Disclosure)
        self.add(m.disclosure, RDF.type, DCAT.Dataset)
        self.add(m.disclosure, DCTERMS.title, zh_text(doc.title or m.package))
        self.add(m.disclosure, DCTERMS.identifier, m.package)
        self.add(m.disclosure, DCTERMS.publisher, iri(m.department_uri))
        if doc.year:
            self.add(m.disclosure, CNB.fiscalYear, literal(str(doc.year), datatype=XSD_GYEAR))
        if doc.kind in PHASES:
            self.add(m.disclosure, CNB.phase, self.phase())
        self.add(m.disclosure, CNB.level, doc.level)
        self.add(
            m.disclosure, DCTERMS.license, iri("http://opendefinition.org/licenses/notspecified")
        )
        for name in doc.source_files:
            source = iri(f"{m.disclosure}/source/{key(name)}")
            self.add(source, RDF.type, PROV.Entity)
            self.add(source, DCTERMS.title, name)
            self.add(source, DCTERMS.identifier, f"sha256:{doc.sha256.get(name, '')}")
            self.add(m.disclosure, PROV.wasDerivedFrom, source)
        for path, media in distributions.items():
            dist = iri(m.distribution(path))
            self.add(m.disclosure, DCAT.distribution, dist)
            self.add(dist, RDF.type, DCAT.Distribution)
            self.add(dist, DCTERMS.title, path)
            self.add(dist, DCAT.mediaType, iri(IANA + media))

    def phase(self) -> Plain:
        done = self._done.get(("phase",))
        if done is None:
            key_, en, zh = PHASES[self.doc.kind or "预算"]
            done = self._done[("phase",)] = self.concept("phase", key_, zh, en=en)
        return done

    def department(self) -> None:
        doc, m = self.doc, self.mint
        dept = iri(m.department_uri)
        self.add(dept, RDF.type, CNB.Department)
        self.add(dept, RDF.type, ORG.Organization)
        self.add(dept, SKOS.prefLabel, zh_text(doc.department or m.department))
        self.add(dept, CNB.departmentCode, doc.department_code)
        for unit in doc.units:
            uri = iri(m.unit(unit.name))
            self.add(uri, RDF.type, CNB.BudgetUnit)
            self.add(uri, RDF.type, ORG.Organization)
            self.add(uri, SKOS.prefLabel, zh_text(unit.name))
            self.add(uri, ORG.subOrganizationOf, dept)
            self.add(dept, ORG.hasSubOrganization, uri)
            self.add(uri, CNB.unitNature, unit.nature)
            self.add(uri, CNB.unitRank, unit.rank)
            self.add(uri, CNB.fundingForm, unit.funding)
            self.add(uri, CNB.sourceLine, integer(unit.source.line))

    def tables(self, names: dict[int, str]) -> None:
        m = self.mint
        source = iri(f"{m.disclosure}/source/{key(self.doc.source_files[0])}")
        for index, table in enumerate(self.doc.tables):
            uri = iri(m.table(names[index]))
            self.add(uri, RDF.type, CNB.DisclosureTable)
            self.add(uri, DCTERMS.title, zh_text(table.title))
            self.add(uri, CNB.tableKind, table.kind)
            self.add(uri, CNB.tableNumber, table.number)
            self.add(uri, DCTERMS.isPartOf, iri(m.disclosure))
            self.add(m.disclosure, CNB.hasTable, uri)
            file_source = iri(f"{m.disclosure}/source/{key(table.source.file)}")
            self.add(uri, PROV.wasDerivedFrom, file_source if table.source.file else source)
            self.add(uri, CNB.sourceLine, integer(table.source.line))
            if table.source.page is not None:
                self.add(uri, CNB.sourcePage, integer(table.source.page))

    def observations(self, facts: list[dict[str, str]]) -> None:
        doc, m = self.doc, self.mint
        dataset = iri(m.dataset)
        self.add(dataset, RDF.type, QB.DataSet)
        self.add(dataset, QB.structure, CNB.structure)
        self.add(dataset, CNB.currency, CNY)
        self.add(dataset, DCTERMS.title, zh_text(f"{doc.title or m.package}：金额"))
        self.add(m.disclosure, DCTERMS.hasPart, dataset)
        self.add(CNB.notApplicable, RDF.type, SKOS.Concept)
        seen: dict[tuple[str, str], int] = {}
        rows: dict[tuple[str, str, str], str] = {}
        self.observation_uris: dict[tuple[str, str, str], Plain] = {}
        for fact in facts:
            if not fact["amount_yuan"] or doc.year is None:
                continue  # no unit or no year: the amount stays in facts.csv only
            resource, label = fact["resource"], fact["label"]
            ref = (resource, fact["row"], fact["code"] or label)
            if ref not in rows:  # the row's key: its code, else its label, else "unlabelled"
                base_key = fact["code"] or label or "unlabelled"
                count = seen.get((resource, base_key), 0) + 1
                seen[(resource, base_key)] = count
                rows[ref] = base_key if count == 1 else f"{base_key}#{count}"
            row_key = rows[ref]
            obs = iri(m.observation(resource, row_key, fact["column"]))
            self.observation_uris[(resource, fact["row"], fact["column"])] = obs
            self.add(obs, RDF.type, QB.Observation)
            self.add(obs, QB.dataSet, dataset)
            self.add(obs, CNB.department, iri(m.department_uri))
            self.add(obs, CNB.fiscalYear, literal(str(doc.year), datatype=XSD_GYEAR))
            self.add(obs, CNB.budgetPhase, self.phase())
            self.add(obs, CNB.table, iri(m.table(resource)))
            self.add(obs, CNB.row, row_key)
            functional = economic = CNB.notApplicable
            if fact["code"] and fact["code_scheme"] == "functional":
                functional = self.code("functional", fact["code"], label or None)
            elif fact["code"] and fact["code_scheme"] == "economic":
                economic = self.code("economic", fact["code"], label or None)
            self.add(obs, CNB.functionalClassification, functional)
            self.add(obs, CNB.economicClassification, economic)
            self.add(obs, CNB.column, self.column(fact))
            self.add(obs, CNB.amount, decimal(fact["amount_yuan"]))
            self.add(obs, CNB.printedUnit, fact["unit"])
            self.add(obs, CNB.printedValue, fact["printed"])
            self.add(obs, CNB.rowLabel, label)
            self.add(obs, CNB.rowRole, fact["role"])
            self.add(obs, CNB.sourceLine, integer(int(fact["line"])))
            if fact["page"]:
                self.add(obs, CNB.sourcePage, integer(int(fact["page"])))

    def findings(self, report: AuditReport, names: dict[int, str]) -> None:
        """Each check that did not pass, linked to the observations it is about."""
        disclosure = iri(self.mint.disclosure)
        for n, check in enumerate(report.checks, start=1):
            if not check.finding:
                continue
            uri = iri(f"{self.mint.disclosure}/finding/{n}")
            self.add(uri, RDF.type, CNB.AuditFinding)
            self.add(uri, CNB.findingOf, disclosure)
            self.add(uri, CNB.auditRule, literal(check.code))
            self.add(uri, CNB.auditStatus, literal(check.status))
            self.add(uri, CNB.severity, literal(check.severity))
            self.add(uri, RDFS.comment, zh_text(check.message_zh))
            self.add(uri, RDFS.comment, literal(check.message, "en"))
            for prop, value in (
                (CNB.expected, check.expected),
                (CNB.actual, check.actual),
                (CNB.difference, check.difference),
            ):
                if value is not None:
                    self.add(uri, prop, decimal(value))
            if check.source is not None and check.source.line > 0:
                self.add(uri, CNB.sourceLine, integer(check.source.line))
                if check.source.page is not None:
                    self.add(uri, CNB.sourcePage, integer(check.source.page))
            for ref in check.cells:
                obs = self.observation_uris.get(
                    (names.get(ref.table, ""), str(ref.row + 1), ref.column)
                )
                if obs is not None:
                    self.add(uri, CNB.concerns, obs)

    def column(self, fact: dict[str, str]) -> Plain:
        memo = ("column", fact["table_kind"], fact["column"], fact["concept"])
        done = self._done.get(memo)
        if done is None:
            done = self._done[memo] = self._column(fact)
        return done

    def _column(self, fact: dict[str, str]) -> Plain:
        kind = KINDS_BY_KEY.get(fact["table_kind"])
        field = next((f for f in kind.fields if f.name == fact["column"]), None) if kind else None
        label = (field.concept or field.title) if field else fact["concept"] or fact["column"]
        en = field.description.rstrip(".") if field else None
        return self.concept("column", fact["column"], label, en=en)

    def projects(self) -> dict[str, Plain]:
        doc, m = self.doc, self.mint
        by_name: dict[str, Plain] = {}
        dept = iri(m.department_uri)
        for project in doc.projects:
            uri = iri(m.project(project.name))
            by_name[mend_spaces(project.name)] = uri
            self.add(uri, RDF.type, CNB.Project)
            self.add(uri, SKOS.prefLabel, zh_text(project.name))
            self.add(dept, CNB.project, uri)
            self.add(uri, PROV.wasDerivedFrom, iri(m.disclosure))
            if project.goal:
                self.add(uri, CNB.goal, zh_text(project.goal))
            if project.annual_goal:
                self.add(uri, CNB.annualGoal, zh_text(project.annual_goal))
            self.add(uri, CNB.sourceLine, integer(project.source.line))
            seen: dict[str, int] = {}
            for ind in project.indicators:
                seen[ind.level3] = seen.get(ind.level3, 0) + 1
                level3 = ind.level3 if seen[ind.level3] == 1 else f"{ind.level3}#{seen[ind.level3]}"
                self.indicator(uri, m.indicator(project.name, level3), ind)
        return by_name

    def indicator(self, project: Plain, uri_text: str, ind: Indicator) -> None:
        uri, t = iri(uri_text), ind.target
        self.add(project, CNB.indicator, uri)
        self.add(uri, RDF.type, CNB.Indicator)
        self.add(uri, SKOS.prefLabel, zh_text(ind.level3 or ind.target.verbatim))
        if ind.description:
            self.add(uri, DCTERMS.description, zh_text(ind.description))
        if ind.level1:
            level1 = self.concept("indicator-category", ind.level1, ind.level1)
            self.add(uri, CNB.level1, level1)
            if ind.level2:
                level2 = self.concept(
                    "indicator-category",
                    f"{ind.level1}/{ind.level2}",
                    ind.level2,
                    broader=level1,
                )
                self.add(uri, CNB.level2, level2)
        self.add(uri, CNB.targetText, t.verbatim)
        self.add(uri, CNB.targetKind, t.kind)
        self.add(uri, CNB.comparator, t.comparator)
        if t.value is not None:
            self.add(uri, CNB.targetValue, decimal(t.value))
        if t.upper is not None:
            self.add(uri, CNB.targetUpper, decimal(t.upper))
        self.add(uri, CNB.targetUnit, t.unit)
        if t.date is not None:
            self.add(uri, CNB.targetDate, literal(t.date.isoformat(), datatype=XSD_DATE))
        if ind.basis:
            self.add(uri, CNB.basis, zh_text(ind.basis))
        self.add(uri, CNB.sourceLine, integer(ind.source.line))

    def procurement(self, projects: dict[str, Plain]) -> None:

        m = self.mint
        for table in self.doc.tables:
            if table.kind != "procurement":
                continue
            factor = UNIT_TO_YUAN.get(table.unit or "")
            names = [c.name for c in table.columns]
            current_project = ""
            seen: dict[tuple[str, str, str], int] = {}
            for row in table.rows:
                cells = dict(zip(names, row.cells, strict=True))
                project = cells["project_name"].text if "project_name" in cells else ""
                current_project = project or current_project
                item = cells["item_name"].text if "item_name" in cells else ""
                if not item or row.role != "detail":
                    continue
                code = cells["catalogue_code"].text if "catalogue_code" in cells else ""
                extra = "|".join(cells[f].text for f in ("method", "economic_code") if f in cells)
                item_key = f"{item}|{extra}" if extra.strip("|") else item
                seen[(current_project, item_key, code)] = (
                    seen.get((current_project, item_key, code), 0) + 1
                )
                count = seen[(current_project, item_key, code)]
                item_key += f"#{count}" if count > 1 else ""
                uri = iri(m.procurement_item(current_project, item_key, code))
                self.add(uri, RDF.type, CNB.ProcurementItem)
                self.add(uri, SKOS.prefLabel, zh_text(item))
                if re.fullmatch(r"[ABC]\d{0,10}", code):
                    self.add(
                        uri,
                        CNB.catalogueItem,
                        iri(f"{scheme_uri(self.base, 'procurement', 2022)}/{code}"),
                    )
                for field, prop in (
                    ("quantity", CNB.quantity),
                    ("unit_price", CNB.unitPrice),
                    ("total", CNB.procurementAmount),
                ):
                    cell = cells.get(field)
                    if cell is None or cell.value is None:
                        continue
                    scale = Decimal(1) if field == "quantity" else factor
                    if scale is not None:
                        self.add(uri, prop, decimal(cell.value * scale))
                owner = projects.get(mend_spaces(current_project))
                if owner is not None:
                    self.add(owner, CNB.procurementItem, uri)
                else:
                    self.add(uri, DCTERMS.isPartOf, iri(m.disclosure))
                self.add(uri, CNB.sourceLine, integer(row.source.line))


def package_graph(
    doc: Document,
    package: str,
    names: dict[int, str],
    facts: list[dict[str, str]],
    distributions: dict[str, str],
    base: str | None = None,
    report: AuditReport | None = None,
) -> TripleSet:
    """The graph of one package: disclosure, department, tables, amounts, projects,
    procurement, and the audit's findings (checks that did not pass)."""
    builder = _Builder(doc, package, base)
    builder.disclosure(distributions)
    builder.department()
    builder.tables(names)
    builder.observations(facts)
    builder.procurement(builder.projects())
    if report is not None:
        builder.findings(report, names)
    return builder.g
