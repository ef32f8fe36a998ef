"""The alignment of 政府收支分类科目 支出功能分类 to COFOG 1999, as data: each 类 with its name,
the COFOG concept it matches, the SKOS match type and the basis; and the classes left unmapped
with the reason. :mod:`opendata.vocab.codelists` renders it as SKOS and as
``docs/cofog-alignment.md``; the package graph links each functional class by it.
"""

from __future__ import annotations

MATCH_TYPES = ("closeMatch", "broadMatch", "relatedMatch")

FUNCTIONAL_CLASSES: dict[str, str] = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "209": "社会保险基金支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
    "234": "抗疫特别国债安排的支出",
}
"""The 类 of 支出功能分类 as named since 2020 (the 2019 revision, plus 234 from 2020)."""

# The match types read as SKOS does: closeMatch, the scopes largely coincide; broadMatch, the
# COFOG concept is broader than (contains) the Chinese class; relatedMatch, they overlap but
# neither contains the other, the COFOG concept being the nearest counterpart. COFOG classifies
# by purpose, so where a class mixes purposes the basis names where its other parts belong.
FUNCTIONAL_TO_COFOG: dict[str, tuple[str, str, str]] = {
    "201": (
        "01",
        "closeMatch",
        "201 一般公共服务支出 covers legislative and executive organs, government offices, "
        "fiscal, tax, audit and customs administration, statistics, archives and party and mass "
        "organisations = COFOG 01 General public services; it leaves foreign affairs (202), "
        "basic research (206) and public debt (231-233) to other classes, and its commerce and "
        "market-regulation items belong to COFOG 04.1.1",
    ),
    "202": (
        "01",
        "broadMatch",
        "202 外交支出 covers foreign-affairs administration, diplomatic missions and "
        "contributions to international organisations (COFOG 01.1.3 External affairs) and also "
        "对外援助 foreign economic aid (COFOG 01.2); both lie in COFOG 01 General public "
        "services, the narrowest COFOG concept that contains the whole class",
    ),
    "203": (
        "02",
        "closeMatch",
        "203 国防支出 covers the armed forces, defence research and 国防动员 (including civil air "
        "defence) = COFOG 02 Defence (military defence, civil defence, R&D defence)",
    ),
    "204": (
        "03",
        "closeMatch",
        "204 公共安全支出 covers the armed police, police, state security, procuratorates, courts, "
        "justice and prisons = COFOG 03 Public order and safety; fire services (COFOG 03.2) have "
        "been in 224 since 2019",
    ),
    "205": (
        "09",
        "closeMatch",
        "205 教育支出 covers education services at all levels (pre-school to higher, vocational, "
        "adult and special education) and their administration = COFOG 09 Education",
    ),
    "206": (
        "01.4",
        "relatedMatch",
        "206 科学技术支出 holds science and technology as one class; only its 基础研究 basic "
        "research matches COFOG 01.4 Basic research, while COFOG classifies applied research and "
        "development by the function served (R&D groups 01.5, 02.4, 03.5, 04.8, 05.5, 07.5 ...), "
        "which this class does not distinguish",
    ),
    "207": (
        "08",
        "closeMatch",
        "207 文化旅游体育与传媒支出 covers culture, cultural heritage, sport, press, publishing, "
        "film, radio and television = COFOG 08 Recreation, culture and religion; its tourism "
        "administration belongs to COFOG 04.7.3 Tourism",
    ),
    "208": (
        "10",
        "closeMatch",
        "208 社会保障和就业支出 covers pensions of government employees, subsidies to the "
        "social-insurance funds, social assistance, welfare, disability, veterans and employment "
        "subsidies = COFOG 10 Social protection; employment-service administration belongs to "
        "COFOG 04.1.2 General labour affairs",
    ),
    "209": (
        "10",
        "relatedMatch",
        "209 社会保险基金支出 is the spending of the social-insurance funds: pension, "
        "unemployment, work-injury and maternity benefits are COFOG 10 Social protection, but "
        "COFOG classifies benefits of the medical-insurance funds to the health care they pay "
        "for (COFOG 07 Health), so the class straddles two divisions",
    ),
    "210": (
        "07",
        "closeMatch",
        "210 卫生健康支出 covers public hospitals, primary care, public health, traditional "
        "Chinese medicine, medical assistance and subsidies to the basic medical-insurance funds "
        "= COFOG 07 Health",
    ),
    "211": (
        "05",
        "closeMatch",
        "211 节能环保支出 covers pollution control, environmental monitoring, natural ecological "
        "protection, forest and grassland protection and emission reduction = COFOG 05 "
        "Environmental protection; its energy-saving and renewable-energy items belong to COFOG "
        "04.3 Fuel and energy",
    ),
    "212": (
        "06",
        "closeMatch",
        "212 城乡社区支出 covers urban and rural community administration, planning and public "
        "facilities = COFOG 06 Housing and community amenities (community development, water "
        "supply, street lighting); housing itself is in 221, and its sanitation items belong to "
        "COFOG 05.1 Waste management",
    ),
    "213": (
        "04.2",
        "closeMatch",
        "213 农林水支出 covers agriculture and rural affairs, forestry and grassland, water "
        "conservancy and rural revitalisation = COFOG 04.2 Agriculture, forestry, fishing and "
        "hunting, which includes flood control, irrigation and drainage (04.2.1)",
    ),
    "214": (
        "04.5",
        "closeMatch",
        "214 交通运输支出 covers road, waterway, railway and civil-aviation transport = COFOG "
        "04.5 Transport; its postal item belongs to COFOG 04.6 Communication",
    ),
    "215": (
        "04",
        "broadMatch",
        "215 资源勘探工业信息等支出 covers resource exploration, manufacturing and construction "
        "(COFOG 04.4 Mining, manufacturing and construction), industry and information-industry "
        "regulation (04.6, 04.1.1), state-asset supervision and support for small enterprises "
        "(04.1.1): all within COFOG 04 Economic affairs",
    ),
    "216": (
        "04",
        "broadMatch",
        "216 商业服务业等支出 covers domestic trade and distribution (COFOG 04.7.1 Distributive "
        "trades, storage and warehousing) and foreign-trade development services (04.1.1 "
        "General economic and commercial affairs): both within COFOG 04 Economic affairs",
    ),
    "217": (
        "04.1.1",
        "broadMatch",
        "217 金融支出 covers the administration, supervision and development of the financial "
        "sector; COFOG puts supervision of the banking industry in 04.1.1 General economic and "
        "commercial affairs (not in 01.1.2, which is the government's own fiscal affairs)",
    ),
    "219": (
        "01.8",
        "relatedMatch",
        "219 援助其他地区支出 is counterpart aid from one local government to another region; "
        "COFOG has no horizontal transfers and would classify the aid by its final use, so the "
        "nearest concept is 01.8 Transfers of a general character between different levels of "
        "government",
    ),
    "220": (
        "04.1.1",
        "relatedMatch",
        "220 自然资源海洋气象等支出 covers natural-resource, land, surveying and mapping, ocean "
        "and meteorological affairs; COFOG 04.1.1 explicitly includes weather forecasting and "
        "geodesic and hydrologic surveys, while mineral-resource administration is 04.4.1, "
        "land-use regulation 06.2 and marine protection 05.4, so no COFOG concept contains it",
    ),
    "221": (
        "06.1",
        "closeMatch",
        "221 住房保障支出 is mostly 保障性安居工程 (public rental housing, shanty-town and "
        "rural dilapidated-house renovation) = COFOG 06.1 Housing development; its means-tested "
        "rent subsidies belong to COFOG 10.6 Housing and its 住房改革支出 (housing provident "
        "fund, housing allowances) is compensation of employees, classified with their function",
    ),
    "222": (
        "04",
        "broadMatch",
        "222 粮油物资储备支出 covers grain, edible-oil, commodity and energy reserves held to "
        "stabilise markets: storage and price stabilisation (COFOG 04.7.1), farm prices (04.2.1) "
        "and energy (04.3), within COFOG 04 Economic affairs; stocks held for disaster relief "
        "would be COFOG 10.9",
    ),
    "223": (
        "04",
        "relatedMatch",
        "223 国有资本经营预算支出 is spending from the state capital operation budget: capital "
        "injections and policy subsidies to state-owned enterprises (COFOG 04 by their "
        "industry) and the costs of enterprise reform, partly social protection (10); it is a "
        "budget, not a function",
    ),
    "224": (
        "03.2",
        "relatedMatch",
        "224 灾害防治及应急管理支出 covers emergency management, fire and rescue services "
        "(COFOG 03.2 Fire-protection services, which includes civil protection), forest fire "
        "fighting (04.2.2), mine safety (04.3.1, 04.4.1), earthquake and natural-disaster "
        "prevention, and relief to disaster victims (10.9)",
    ),
    "230": (
        "01.8",
        "relatedMatch",
        "230 转移性支出 records transfers between levels of government (返还性支出, 一般性转移"
        "支付 = COFOG 01.8 Transfers of a general character between different levels of "
        "government) together with earmarked transfers, which COFOG classifies by function, and "
        "budget-accounting items (上解, 调出资金, 结余)",
    ),
    "231": (
        "01.7",
        "relatedMatch",
        "231 债务还本支出 is repayment of debt principal, a financing transaction that COFOG "
        "does not classify as expenditure; COFOG 01.7 Public debt transactions (interest and "
        "flotation costs) is the related concept",
    ),
    "232": (
        "01.7",
        "closeMatch",
        "232 债务付息支出 is interest on government debt = COFOG 01.7 Public debt transactions "
        "(interest payments and outlays for underwriting and floating loans; the latter are 233)",
    ),
    "233": (
        "01.7",
        "broadMatch",
        "233 债务发行费用支出 is the cost of issuing government debt, the underwriting and "
        "flotation part of COFOG 01.7 Public debt transactions",
    ),
    "234": (
        "07.4",
        "relatedMatch",
        "234 抗疫特别国债安排的支出 was spending from the 2020 anti-epidemic special treasury "
        "bonds: its epidemic-control and public-health items are COFOG 07.4 Public health "
        "services, but it also financed infrastructure (04.5, 06) and relief (10)",
    ),
}

FUNCTIONAL_UNMAPPED: dict[str, str] = {
    "227": (
        "227 预备费 is the contingency reserve of a budget: it has no purpose of its own, and "
        "COFOG classifies the spending by function once the reserve is used"
    ),
    "229": (
        "229 其他支出 holds spending not classified elsewhere, of any purpose; each COFOG "
        "division has its own n.e.c. group, so there is no single counterpart"
    ),
}
"""Classes deliberately left without a COFOG mapping, with the reason."""
