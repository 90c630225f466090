"""The impact preview as people read it: rows sorted and grouped by department, and as an XLSX file."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..policy.names import ELIGIBILITY_NAMES
from .exports import bold, cells, money_cell, set_widths

SORTS = {
    "department": "部门",
    "score": "绩效分变化",
    "gross": "应发变化",
    "code": "工号",
}


def _number(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@dataclass(frozen=True)
class MonthCell:
    old_score: Decimal | None
    new_score: Decimal | None
    old_rank: int | None
    new_rank: int | None
    old_stars: int
    new_stars: int
    old_gross: Decimal | None
    new_gross: Decimal | None
    changed: bool

    @property
    def score_delta(self) -> Decimal:
        return (self.new_score or 0) - (self.old_score or 0)

    @property
    def gross_delta(self) -> Decimal:
        return (self.new_gross or 0) - (self.old_gross or 0)


@dataclass(frozen=True)
class PersonRow:
    id: int
    code: str
    name: str
    department: str
    cells: dict[str, MonthCell]
    old_verdict: str
    new_verdict: str
    changed: bool

    @property
    def score_delta(self) -> Decimal:
        return sum((c.score_delta for c in self.cells.values()), Decimal(0))

    @property
    def gross_delta(self) -> Decimal:
        return sum((c.gross_delta for c in self.cells.values()), Decimal(0))


def _cell(entry: dict) -> MonthCell:
    old, new = entry.get("old") or {}, entry.get("new") or {}
    return MonthCell(
        _number(old.get("score")),
        _number(new.get("score")),
        old.get("rank"),
        new.get("rank"),
        old.get("stars", 0),
        new.get("stars", 0),
        _number(old.get("gross")),
        _number(new.get("gross")),
        entry["changed"],
    )


def rows(result: dict, sort: str = "department", everyone: bool = False) -> list[PersonRow]:
    """The people of a preview (those whose result changes, or everyone), sorted by *sort*."""
    found = [
        PersonRow(
            p["id"],
            p["code"],
            p["name"],
            p["department"],
            {m: _cell(c) for m, c in p["months"].items()},
            ELIGIBILITY_NAMES[p["verdict"]["old"]],
            ELIGIBILITY_NAMES[p["verdict"]["new"]],
            p["changed"],
        )
        for p in result["people"]
        if everyone or p["changed"]
    ]
    keys = {
        "department": lambda r: (r.department, r.code),
        "score": lambda r: (r.score_delta, r.code),
        "gross": lambda r: (r.gross_delta, r.code),
        "code": lambda r: r.code,
    }
    return sorted(found, key=keys.get(sort, keys["department"]))


def workbook(result: dict, title: str):
    """Everyone of the preview, one row per person and month, then the totals (write-only workbook)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("影响预览")
    sheet.freeze_panes = "A3"
    set_widths(sheet, [12, 9, 10, 9, 10, 10, 8, 8, 8, 8, 12, 12, 12, 10, 10, 8])
    sheet.append([bold(sheet, title)])
    header = ["部门", "工号", "姓名", "月份", "原绩效分", "新绩效分", "原名次", "新名次", "原明星", "新明星"]
    header += ["原应发", "新应发", "应发变化", "原晋升资格", "新晋升资格", "有变化"]
    sheet.append([bold(sheet, text) for text in header])
    for row in rows(result, "department", everyone=True):
        for month, cell in row.cells.items():
            values = [row.department, row.code, row.name, month, cell.old_score, cell.new_score, cell.old_rank]
            values += [cell.new_rank, cell.old_stars, cell.new_stars]
            money = [money_cell(sheet, cell.old_gross), money_cell(sheet, cell.new_gross)]
            money.append(money_cell(sheet, cell.gross_delta))
            tail = [row.old_verdict, row.new_verdict, "是" if row.changed else "否"]
            sheet.append(cells(sheet, [*values, *money, *tail]))
    totals = book.create_sheet("合计")
    set_widths(totals, [14, 10, 10, *[14] * len(result["months"]), 14])
    totals.append(
        [bold(totals, t) for t in ("部门", "人数", "受影响人数", *[f"{m} 应发变化" for m in result["months"]], "合计")]
    )
    for group in [*result["totals"]["departments"], {"name": "全公司", **result["totals"]["company"]}]:
        costs = [money_cell(totals, Decimal(group["cost"][m])) for m in result["months"]]
        costs.append(money_cell(totals, Decimal(group["cost_total"]), bold=True))
        totals.append(cells(totals, [group["name"] or "(无部门)", group["people"], group["affected"], *costs]))
    return book
