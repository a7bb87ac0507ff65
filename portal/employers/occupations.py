"""The occupations employers choose from, grouped by sector, with SSYK 2012 codes.

Codes and Swedish titles are SCB's SSYK 2012 unit groups (four digits),
checked against a published SSYK 2012 code list and cross-checked against a
second, independent one; the Swedish translation of each label is the official
unit-group title. The list holds the entry-level occupations the labour-market
units recruit for (jobs that need no special education); anything else is
"other" with free text.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.employers.enums import Sector

OTHER = "other"


@dataclass(frozen=True)
class Occupation:
    code: str  # SSYK 2012 unit group
    sector: Sector
    label: object  # lazy string

    @property
    def title(self) -> str:
        return f"{self.label} ({self.code})"


_LIST = [
    # Cleaning
    Occupation("9111", Sector.CLEANING, _l("Cleaners")),
    Occupation("9120", Sector.CLEANING,
               _l("Car valets, window cleaners and other cleaning workers")),
    Occupation("9119", Sector.CLEANING, _l("Other domestic service workers")),
    Occupation("7134", Sector.CLEANING, _l("Decontamination workers")),
    Occupation("5152", Sector.CLEANING, _l("Caretakers")),
    # Warehouse and logistics
    Occupation("4322", Sector.WAREHOUSE, _l("Warehouse and terminal staff")),
    Occupation("8344", Sector.WAREHOUSE, _l("Forklift truck drivers")),
    Occupation("9332", Sector.WAREHOUSE, _l("Ramp staff, removal workers and shelf fillers")),
    Occupation("4420", Sector.WAREHOUSE, _l("Postal workers and postal terminal staff")),
    # Retail
    Occupation("5222", Sector.RETAIL, _l("Shop assistants, groceries")),
    Occupation("5223", Sector.RETAIL, _l("Shop assistants, specialist shops")),
    Occupation("5230", Sector.RETAIL, _l("Cashiers")),
    Occupation("5225", Sector.RETAIL, _l("Petrol station staff")),
    Occupation("4222", Sector.RETAIL, _l("Customer service staff")),
    # Kitchen and canteen
    Occupation("9412", Sector.KITCHEN, _l("Restaurant and kitchen assistants")),
    Occupation("5120", Sector.KITCHEN, _l("Cooks and cold-buffet cooks")),
    Occupation("9413", Sector.KITCHEN, _l("Café and pastry shop assistants")),
    Occupation("9411", Sector.KITCHEN, _l("Pizza makers")),
    Occupation("5131", Sector.KITCHEN, _l("Waiters and head waiters")),
    # Health and social care
    Occupation("5330", Sector.CARE, _l("Care assistants")),
    Occupation("5321", Sector.CARE,
               _l("Assistant nurses, home care, home health care and elderly care")),
    Occupation("5323", Sector.CARE, _l("Assistant nurses, wards and specialist units")),
    Occupation("5343", Sector.CARE, _l("Personal assistants")),
    Occupation("5342", Sector.CARE, _l("Residential care workers")),
    Occupation("5311", Sector.CARE, _l("Childcare workers")),
    Occupation("5312", Sector.CARE, _l("Pupil assistants")),
    # Transport
    Occupation("8332", Sector.TRANSPORT, _l("Lorry drivers")),
    Occupation("8331", Sector.TRANSPORT, _l("Bus and tram drivers")),
    Occupation("8321", Sector.TRANSPORT, _l("Taxi drivers")),
    Occupation("8329", Sector.TRANSPORT, _l("Other car, motorcycle and bicycle drivers")),
    Occupation("9621", Sector.TRANSPORT, _l("Advertising and newspaper distributors")),
    # Manufacturing
    Occupation("8189", Sector.MANUFACTURING, _l("Other process and machine operators")),
    Occupation("8181", Sector.MANUFACTURING,
               _l("Machine operators, filling, packing and labelling")),
    Occupation("7223", Sector.MANUFACTURING,
               _l("Machine setters and machine operators, metal work")),
    Occupation("8213", Sector.MANUFACTURING, _l("Assemblers, metal, rubber and plastic products")),
    Occupation("8219", Sector.MANUFACTURING, _l("Other assemblers")),
    Occupation("9320", Sector.MANUFACTURING, _l("Hand packers and other factory workers")),
    Occupation("8169", Sector.MANUFACTURING, _l("Other food production machine operators")),
    # Construction
    Occupation("9310", Sector.CONSTRUCTION, _l("Building and civil engineering labourers")),
    Occupation("7114", Sector.CONSTRUCTION, _l("Civil engineering workers")),
    Occupation("7131", Sector.CONSTRUCTION, _l("Painters")),
    Occupation("8342", Sector.CONSTRUCTION, _l("Earth-moving machine operators")),
    # Other
    Occupation("9610", Sector.OTHER, _l("Refuse and recycling workers")),
    Occupation("9622", Sector.OTHER, _l("Janitors and handymen")),
    Occupation("6113", Sector.OTHER, _l("Gardeners and landscapers")),
    Occupation("9629", Sector.OTHER, _l("Other service workers")),
]

BY_CODE: dict[str, Occupation] = {o.code: o for o in _LIST}
CODES = frozenset(BY_CODE)


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """(sector label, [(code, title)]) for a select with optgroups; "other" last."""
    groups = []
    for sector in Sector:
        items = [(o.code, o.title) for o in _LIST if o.sector == sector]
        if sector == Sector.OTHER:
            items.append((OTHER, str(_l("Other occupation (describe it)"))))
        if items:
            groups.append((sector.label, items))
    return groups


def label(code: str | None, other_text: str = "") -> str:
    if code == OTHER or not code:
        return other_text or str(_l("Other occupation"))
    occupation = BY_CODE.get(code)
    return occupation.title if occupation else code


def sector_of(code: str | None) -> Sector | None:
    occupation = BY_CODE.get(code or "")
    return occupation.sector if occupation else None
