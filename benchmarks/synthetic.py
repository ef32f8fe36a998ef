"""A synthetic corpus: random, arithmetically consistent budgets rendered as disclosures.

``generate(n, seed, out_dir)`` writes ``n`` documents that ``opendata convert`` reads, in the
layout of the founding sample (rendered by :mod:`tests.render`); with ``form="pdf"`` the same
documents as PDF (:mod:`tests.render_pdf`: ruled table grids on landscape pages, page numbers,
tables running over page breaks with or without their header repeated; needs reportlab).
Departments come with several consecutive years each, so queries across years have something
to compare. Every model is consistent: 合计 = the sum of the 类, a 类 the sum of its 款, a 款
the sum of its 项, and in every row 合计 = 基本支出 + 项目支出 (expenditure) or 人员经费 +
公用经费 (basic expenditure); the “三公” 小计 is the sum of its items. Amounts are Decimal
in 万元 with two places.

Run ``python benchmarks/synthetic.py N OUT_DIR [--seed S] [--pdf]`` to write a corpus.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: tests.render is importable from the root
    sys.path.insert(0, str(ROOT))

from tests.render import (  # noqa: E402
    THREE_PUBLIC_LABELS,
    AmountRow,
    AmountTable,
    IndicatorSpec,
    ProjectSpec,
    basic_table,
    expenditure_table,
    gov_fund_table,
    render_document,
    three_public_table,
)

if TYPE_CHECKING:
    from tests.render_pdf import PdfOptions

#: functional 类 → (name, {款: (name, {项: name})}), from real 2023 subject names
FUNCTIONAL = {
    "201": (
        "一般公共服务支出",
        {
            "03": ("政府办公厅（室）及相关机构事务", {"01": "行政运行", "02": "一般行政管理事务"}),
            "31": ("党委办公厅（室）及相关机构事务", {"01": "行政运行", "05": "专项业务"}),
            "32": ("组织事务", {"01": "行政运行", "99": "其他组织事务支出"}),
        },
    ),
    "205": ("教育支出", {"08": ("进修及培训", {"03": "培训支出"})}),
    "207": ("文化旅游体育与传媒支出", {"01": ("文化和旅游", {"09": "群众文化"})}),
    "208": (
        "社会保障和就业支出",
        {
            "05": (
                "行政事业单位养老支出",
                {"05": "机关事业单位基本养老保险缴费支出", "06": "机关事业单位职业年金缴费支出"},
            ),
            "99": ("其他社会保障和就业支出", {"99": "其他社会保障和就业支出"}),
        },
    ),
    "210": (
        "卫生健康支出",
        {"11": ("行政事业单位医疗", {"01": "行政单位医疗", "03": "公务员医疗补助"})},
    ),
    "221": ("住房保障支出", {"02": ("住房改革支出", {"01": "住房公积金"})}),
}
ECONOMIC = {
    "301": (
        "工资福利支出",
        {"01": "基本工资", "02": "津贴补贴", "03": "奖金", "12": "其他社会保障缴费"},
    ),
    "302": ("商品和服务支出", {"01": "办公费", "02": "印刷费", "07": "邮电费", "11": "差旅费"}),
    "303": ("对个人和家庭的补助", {"02": "退休费", "05": "生活补助"}),
}
PERSONNEL = {"301", "303"}  # economic classes of 人员经费; 302 is 公用经费
DEPARTMENT_KINDS = (
    "党建工作部",
    "财政局",
    "教育局",
    "卫生健康局",
    "社会事业局",
    "统计局",
    "司法局",
)
PLACES = ("秦皇岛经济技术开发区", "北戴河新区", "海港区", "山海关区", "抚宁区", "昌黎县", "卢龙县")
INDICATORS = (
    ("产出指标", "数量指标", "完成项目数量", "≥{n}个"),
    ("产出指标", "质量指标", "验收合格率", "≥{p}%"),
    ("产出指标", "时效指标", "完成时间", "{y}年12月底前"),
    ("效益指标", "社会效益指标", "服务群众人次", "≥{n}人次"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥{p}%"),
)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    functional: dict[str, dict[str, list[str]]]  # 类 → 款 → 项 (codes)
    economic: dict[str, list[str]]  # 类 → 款
    base: dict[str, Decimal]  # leaf code → base amount (万元)
    projects: tuple[str, ...]


@dataclass
class Disclosure:
    """One rendered document and its model."""

    department: Department
    year: int
    tables: list[AmountTable]
    projects: list[ProjectSpec]

    def render(self) -> str:
        return render_document(
            self.department.code, self.department.name, self.year, self.tables, self.projects
        )

    def render_pdf(self, options: PdfOptions | None = None) -> bytes:
        """The document as PDF, laid out as ``options`` say (default: the Hebei forms)."""
        from tests.render_pdf import PdfOptions, render_pdf

        dept = self.department
        return render_pdf(
            dept.code, dept.name, self.year, self.tables, self.projects, options or PdfOptions()
        )

    def amounts(self, kind: str, column: str = "total") -> dict[str, Decimal]:
        """Printed amounts in 万元 by code of one table's column (for tests)."""
        table = next(t for t in self.tables if t.kind == kind)
        j = table.columns.index(column)
        return {r.code: r.amounts[j] for r in table.rows if r.code and r.amounts[j] is not None}


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(rng.uniform(low, high))).quantize(CENT)


def department(rng: random.Random, number: int) -> Department:
    """A department with a random subset of classes, categories and items, and base amounts."""
    functional: dict[str, dict[str, list[str]]] = {}
    for cls in sorted(rng.sample(sorted(FUNCTIONAL), rng.randint(2, 5))):
        cats = FUNCTIONAL[cls][1]
        chosen = sorted(rng.sample(sorted(cats), rng.randint(1, len(cats))))
        functional[cls] = {
            cls + c: [
                cls + c + i
                for i in sorted(rng.sample(sorted(cats[c][1]), rng.randint(1, len(cats[c][1]))))
            ]
            for c in chosen
        }
    economic = {
        cls: [
            cls + c
            for c in sorted(
                rng.sample(sorted(ECONOMIC[cls][1]), rng.randint(1, len(ECONOMIC[cls][1])))
            )
        ]
        for cls in sorted(ECONOMIC)
    }
    base = {}
    for cats in functional.values():
        for items in cats.values():
            for item in items:
                base[item] = _money(rng, 5, 800)
    for items in economic.values():
        for item in items:
            base[item] = _money(rng, 1, 300)
    projects = tuple(
        f"{rng.choice(('党建', '信息化', '培训', '档案', '宣传'))}工作经费{k + 1}"
        for k in range(rng.randint(0, 3))
    )
    place = PLACES[number % len(PLACES)]
    kind = DEPARTMENT_KINDS[(number // len(PLACES)) % len(DEPARTMENT_KINDS)]
    return Department(
        f"{200 + number % 800:03d}",
        f"{place}{kind}第{number + 1}办公室",
        functional,
        economic,
        base,
        projects,
    )


def _split(rng: random.Random, total: Decimal) -> tuple[Decimal, Decimal]:
    part = (total * Decimal(str(rng.uniform(0.3, 0.9)))).quantize(CENT)
    return part, total - part


def disclosure(rng: random.Random, dept: Department, year: int, offset: int) -> Disclosure:
    """The department's budget for one year: base amounts grown or cut by up to ±20%."""

    def amount(code: str) -> Decimal:
        factor = Decimal(str(1 + rng.uniform(-0.2, 0.2) * (1 if offset else 0)))
        return (dept.base[code] * factor).quantize(CENT)

    def summed(rows: list[tuple[Decimal, ...]]) -> tuple[Decimal, ...]:
        return tuple(sum(col, Decimal("0.00")) for col in zip(*rows, strict=True))

    # 支出总表: 合计, 基本, 项目 (three more columns stay blank)
    rows: list[AmountRow] = []
    class_sums = []
    for cls, cats in dept.functional.items():
        cat_rows, cat_sums = [], []
        for cat, items in cats.items():
            item_rows = []
            for item in items:
                basic, project = _split(rng, amount(item))
                item_rows.append((basic + project, basic, project))
            cat_sum = summed(item_rows)
            cat_sums.append(cat_sum)
            cat_rows.append(
                AmountRow(FUNCTIONAL[cls][1][cat[3:]][0], (*cat_sum, None, None, None), cat)
            )
            names = FUNCTIONAL[cls][1][cat[3:]][1]
            for item, values in zip(items, item_rows, strict=True):
                cat_rows.append(AmountRow(names[item[5:]], (*values, None, None, None), item))
        class_sum = summed(cat_sums)
        class_sums.append(class_sum)
        rows += [AmountRow(FUNCTIONAL[cls][0], (*class_sum, None, None, None), cls), *cat_rows]
    expenditure = [AmountRow("合计", (*summed(class_sums), None, None, None)), *rows]

    # 基本支出表 by economic code: 合计 = 人员经费 + 公用经费
    rows, class_sums = [], []
    for cls, items in dept.economic.items():
        personnel = cls in PERSONNEL
        item_rows = []
        for item in items:
            value = amount(item)
            item_rows.append((value, value, None) if personnel else (value, None, value))
        total = sum((r[0] for r in item_rows), Decimal("0.00"))
        class_row = (total, total, None) if personnel else (total, None, total)
        class_sums.append(class_row)
        rows.append(AmountRow(ECONOMIC[cls][0], class_row, cls))
        rows += [
            AmountRow(ECONOMIC[cls][1][i[3:]], r, i) for i, r in zip(items, item_rows, strict=True)
        ]
    total = sum((r[0] for r in class_sums), Decimal("0.00"))
    personnel = sum((r[1] for r in class_sums if r[1] is not None), Decimal("0.00"))
    basic = [AmountRow("合计", (total, personnel, total - personnel)), *rows]

    # 三公: 合计 = 小计 = 出国 + 用车 + 接待; 用车 = 购置 + 运维
    overseas, purchase, running, reception = (_money(rng, 0, 5) for _ in range(4))
    vehicles = purchase + running
    subtotal = overseas + vehicles + reception
    values = [subtotal, subtotal, overseas, None, overseas, vehicles, purchase, running, reception]
    three = [
        AmountRow(label, (v, v, None, None) if v is not None else (None, None, None, None))
        for label, v in zip(THREE_PUBLIC_LABELS, values, strict=True)
    ]
    projects = [
        ProjectSpec(
            name,
            f"1.保障{name}顺利实施。2.提升工作水平。",
            [
                IndicatorSpec(
                    l1,
                    l2,
                    l3,
                    f"{l3}目标",
                    target.format(n=rng.randint(2, 900), p=rng.choice((90, 95, 100)), y=year),
                    "年度工作计划",
                )
                for l1, l2, l3, target in INDICATORS
            ],
        )
        for name in dept.projects
    ]
    tables = [
        expenditure_table(expenditure),
        basic_table(basic),
        three_public_table(three),
        gov_fund_table(),
    ]
    return Disclosure(dept, year, tables, projects)


def disclosures(
    n: int, seed: int, years_per_department: int = 3, first_year: int = 2021
) -> list[Disclosure]:
    """``n`` disclosures: departments with ``years_per_department`` consecutive years each."""
    rng = random.Random(seed)
    out: list[Disclosure] = []
    number = 0
    while len(out) < n:
        dept = department(rng, number)
        for offset in range(min(years_per_department, n - len(out))):
            out.append(disclosure(rng, dept, first_year + offset, offset))
        number += 1
    return out


def pdf_layouts(n: int, seed: int) -> list[PdfOptions]:
    """The layout choices of ``n`` PDF producers: continuation pages, preamble, 栏次 row,
    tables flowing or one per page, rows per page, thousands separators, page numbers (from
    their own generator: the models do not depend on the form)."""
    from tests.render_pdf import PAGE_NUMBER_STYLES, PdfOptions

    rng = random.Random(f"layout-{seed}")
    return [
        PdfOptions(
            thousands=rng.random() < 0.5,
            continuation=rng.choice(("all", "header", "none")),
            lane_row=rng.random() < 0.8,
            preamble=rng.choice(("coded", "keyed")),
            flow=rng.random() < 0.3,
            page_rows=rng.choice((None, None, None, 8, 12, 16)),
            page_number=rng.choice(PAGE_NUMBER_STYLES),
        )
        for _ in range(n)
    ]


def generate(
    n: int,
    seed: int,
    out_dir: Path | str,
    years_per_department: int = 3,
    form: Literal["text", "pdf"] = "text",
) -> list[Path]:
    """Write ``n`` synthetic disclosures into ``out_dir``; return their paths.

    ``form="pdf"`` writes the same models as PDFs, each laid out as :func:`pdf_layouts` says.
    """
    if form not in ("text", "pdf"):
        raise ValueError(f"form must be 'text' or 'pdf', not {form!r}")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    layouts = pdf_layouts(n, seed) if form == "pdf" else []
    paths: list[Path] = []
    for doc in disclosures(n, seed, years_per_department):
        stem = f"synthetic-{doc.department.code}-{doc.year}-{len(paths):05d}"
        if form == "pdf":
            path = folder / f"{stem}.pdf"
            path.write_bytes(doc.render_pdf(layouts[len(paths)]))
        else:
            path = folder / f"{stem}.txt"
            path.write_text(doc.render(), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--pdf", action="store_true", help="write PDFs instead of text")
    args = parser.parse_args()
    paths = generate(args.n, args.seed, args.out_dir, form="pdf" if args.pdf else "text")
    print(f"{len(paths)} {'PDF' if args.pdf else 'text'} documents in {args.out_dir}")


if __name__ == "__main__":
    main()
