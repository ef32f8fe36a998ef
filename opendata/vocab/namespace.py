"""The budget vocabulary as a closed rdflib namespace: a misspelt term fails, never mints a URI.

The terms are those of ``vocab/budget.ttl`` (a test keeps the two equal). Other vocabularies
come from rdflib's own closed namespaces (QB, SKOS, ORG, DCAT, DCTERMS, PROV).
"""

from __future__ import annotations

from rdflib.namespace import (
    DCAT,
    DCTERMS,
    ORG,
    PROV,
    QB,
    RDFS,
    SKOS,
    XSD,
    DefinedNamespace,
    Namespace,
)
from rdflib.term import URIRef

VOCAB_URI = "https://w3id.org/opendata-cn/vocab"

#: The prefixes of the package graphs, their JSON-LD context and the SPARQL results' prefixes.
CONTEXT = {
    "cnb": VOCAB_URI + "#",
    "qb": str(QB),
    "skos": str(SKOS),
    "org": str(ORG),
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "prov": str(PROV),
    "xsd": str(XSD),
    "rdfs": str(RDFS),
}


class CNB(DefinedNamespace):
    """opendata budget vocabulary (``cnb:``)."""

    _NS = Namespace(VOCAB_URI + "#")
    _fail = True

    AuditFinding: URIRef
    BudgetUnit: URIRef
    Department: URIRef
    Disclosure: URIRef
    DisclosureTable: URIRef
    Indicator: URIRef
    ProcurementItem: URIRef
    Project: URIRef
    actual: URIRef
    amount: URIRef
    annualGoal: URIRef
    auditRule: URIRef
    auditStatus: URIRef
    basis: URIRef
    budgetPhase: URIRef
    catalogueItem: URIRef
    column: URIRef
    comparator: URIRef
    concerns: URIRef
    currency: URIRef
    department: URIRef
    departmentCode: URIRef
    difference: URIRef
    economicClassification: URIRef
    expected: URIRef
    findingOf: URIRef
    fiscalYear: URIRef
    functionalClassification: URIRef
    fundingForm: URIRef
    goal: URIRef
    hasTable: URIRef
    indicator: URIRef
    level: URIRef
    level1: URIRef
    level2: URIRef
    notApplicable: URIRef
    phase: URIRef
    printedUnit: URIRef
    printedValue: URIRef
    procurementAmount: URIRef
    procurementItem: URIRef
    project: URIRef
    quantity: URIRef
    row: URIRef
    rowLabel: URIRef
    rowRole: URIRef
    severity: URIRef
    sourceLine: URIRef
    sourcePage: URIRef
    structure: URIRef
    table: URIRef
    tableKind: URIRef
    tableNumber: URIRef
    targetDate: URIRef
    targetKind: URIRef
    targetText: URIRef
    targetUnit: URIRef
    targetUpper: URIRef
    targetValue: URIRef
    unitNature: URIRef
    unitPrice: URIRef
    unitRank: URIRef


OBEU_DIMENSION = Namespace("http://data.openbudgets.eu/ontology/dsd/dimension/")
OBEU_MEASURE = Namespace("http://data.openbudgets.eu/ontology/dsd/measure/")
OBEU_ATTRIBUTE = Namespace("http://data.openbudgets.eu/ontology/dsd/attribute/")
