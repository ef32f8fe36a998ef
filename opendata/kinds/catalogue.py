"""The table kinds of budget (预算) and final-account (决算) disclosures.

Titles and headers differ by region and year; each kind lists the variants seen so far
(Hebei 2023 text, Shanghai 2023/2024 PDF, Jiangsu 2019 PDF). Order matters where titles
overlap: the more specific title comes first (财政拨款收支总表 before 收支总表).
"""

from __future__ import annotations

from opendata.kinds.budget import BUDGET_KINDS
from opendata.kinds.final_account import FINAL_KINDS
from opendata.kinds.spec import TableKind

KINDS: tuple[TableKind, ...] = FINAL_KINDS + BUDGET_KINDS
KINDS_BY_KEY = {k.key: k for k in KINDS}
