"""The schema of a policy version (pydantic models): imported only when a policy is first loaded.

The web worker serving a page that reads no policy never builds these validators.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from .months import is_month
from .parameters import GATES, KPI_ITEMS, LEAVE_TYPES, TRACKS


def _check_month(value: str) -> str:
    if not is_month(value):
        raise ValueError("must be a month YYYY-MM")
    return value


Month = Annotated[str, AfterValidator(_check_month)]
"""A ``YYYY-MM`` month, for every schema that takes one."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Track(_Frozen):
    name: str
    ladder: list[str] = Field(min_length=1)


class Grade(_Frozen):
    name: str
    title: str | None = None  # what people read (话务员 · 一星); default: name
    unrated_title: str | None = None  # for a regularised person still on this grade (话务员(未定星))
    base: Decimal = Field(ge=0)
    performance: Decimal = Field(ge=0)
    commission_per_book: Decimal = Field(default=Decimal(0), ge=0)


class Pay(_Frozen):
    kpi_cap: Decimal = Field(gt=0)
    performance_zero_leave_days: Decimal = Field(gt=0)
    attendance_bonus: Decimal = Field(ge=0)
    counted_leave_types: list[str]
    leave_type_names: dict[str, str]
    allowance_names: dict[str, str]
    deduction_kinds: dict[str, str] = {}  # 社保个人部分 …: inputs from the payroll provider, never computed here
    grade_allowances: dict[str, dict[str, Decimal]] = {}

    @field_validator("counted_leave_types")
    @classmethod
    def _known_leave(cls, value: list[str]) -> list[str]:
        unknown = set(value) - set(LEAVE_TYPES)
        if unknown:
            raise ValueError(f"unknown leave types {sorted(unknown)}")
        return value


class KpiItem(_Frozen):
    name: str
    block: str
    weight: Decimal = Field(gt=0)
    per_count: Decimal | None = None
    target_rate: Decimal | None = None
    per_point: Decimal | None = None
    per_second: Decimal | None = None
    limit_seconds: dict[Literal["regular", "intern"], Decimal] | None = None
    rank1_bonus: Decimal | None = None
    last_place_penalty: Decimal | None = None
    at_or_below_average_penalty: Decimal | None = None
    rank_bonuses: list[Decimal] | None = None
    above_average_bonus: Decimal | None = None


class Incident(_Frozen):
    name: str
    points: Decimal


class Kpi(_Frozen):
    min_agents_for_comparison: int = Field(ge=2)
    qa_expected_samples: int = Field(ge=1)
    items: dict[str, KpiItem]
    incidents: dict[str, Incident]

    @model_validator(mode="after")
    def _all_items(self) -> Kpi:
        if set(self.items) != set(KPI_ITEMS):
            raise ValueError(f"kpi.items must be exactly {list(KPI_ITEMS)}")
        needs = {
            "connection": ("target_rate", "per_point"),
            "qa": ("rank1_bonus", "last_place_penalty", "at_or_below_average_penalty"),
            "volume": ("at_or_below_average_penalty", "rank_bonuses", "above_average_bonus"),
            "call_length": ("per_second", "limit_seconds"),
        }
        for key, item in self.items.items():
            for attr in needs.get(key, ("per_count",)):
                if getattr(item, attr) is None:
                    raise ValueError(f"kpi.items.{key}.{attr} is required")
        return self


class ReviewedScores(_Frozen):
    items: list[str] = Field(min_length=1)
    weights: list[Decimal] | None = None


class Target(_Frozen):
    months: int = Field(ge=1)
    tenure: Literal["grade", "regularized", "regularized_cumulative"]


class Criterion(_Frozen):
    key: str
    name: str
    measure: Literal["mean", "sum", "dept_mean", "dept_sum", "months_at_or_above", "turnover", "input"]
    field: str | None = None
    op: Literal[">=", "<=", "pass"]
    thresholds: dict[str, Decimal] = {}
    texts: dict[str, str] = {}


class TrackRules(_Frozen):
    gates: list[str]
    criteria: list[Criterion]

    @field_validator("gates")
    @classmethod
    def _known_gates(cls, value: list[str]) -> list[str]:
        unknown = set(value) - set(GATES)
        if unknown:
            raise ValueError(f"unknown gates {sorted(unknown)}")
        return value


class Promotion(_Frozen):
    window_first_day: int = Field(ge=1, le=28)
    window_last_day: int = Field(ge=1, le=28)
    leave_gate_days: Decimal = Field(gt=0)
    service_level_seconds: int = Field(gt=0)
    targets: dict[str, Target]
    tracks: dict[str, TrackRules]


class Policy(_Frozen):
    """One version of the scheme, in force from its ``effective`` month."""

    version: str
    effective: Month
    title: str
    tracks: dict[str, Track]
    career: list[str]
    grades: dict[str, Grade]
    pay: Pay
    kpi: Kpi
    reviewed_scores: dict[str, ReviewedScores]
    promotion: Promotion
    decisions: dict[str, str]
    # usual upper bounds of the entry grid's fields: a value above is saved only once the user confirms it
    soft_limits: dict[str, Decimal] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        if set(self.tracks) != set(TRACKS):
            raise ValueError(f"tracks must be exactly {list(TRACKS)}")
        laddered = [g for t in self.tracks.values() for g in t.ladder]
        if sorted(laddered) != sorted(self.grades):
            raise ValueError("every grade must stand on exactly one track ladder")
        if any(g not in self.grades for g in self.career):
            raise ValueError("career ladder names an unknown grade")
        for grade in self.pay.grade_allowances:
            if grade not in self.grades:
                raise ValueError(f"pay.grade_allowances names unknown grade {grade}")
        for target in self.promotion.targets:
            if target not in self.grades or self.previous_grade(target) is None:
                raise ValueError(f"promotion target {target} has no rung below it")
        for track, rules in self.promotion.tracks.items():
            targets = [t for t in self.promotion.targets if self.track_of(t) == track]
            for crit in rules.criteria:
                if crit.op != "pass" and set(crit.thresholds) != set(targets):
                    raise ValueError(f"criterion {track}.{crit.key} needs a threshold for {targets}")
        return self

    # -- lookups ---------------------------------------------------------------------
    def track_of(self, grade: str) -> str:
        """Return the track key a grade belongs to."""
        for key, track in self.tracks.items():
            if grade in track.ladder:
                return key
        raise KeyError(grade)

    def previous_grade(self, target: str) -> str | None:
        """Return the rung below *target* on its ladder (career ladder across tracks)."""
        ladder = self.tracks[self.track_of(target)].ladder
        index = ladder.index(target)
        if index > 0:
            return ladder[index - 1]
        if target in self.career and self.career.index(target) > 0:
            return self.career[self.career.index(target) - 1]
        return None

    def next_grade(self, grade: str) -> str | None:
        """Return the next rung above *grade*, or None at the top."""
        for target in self.promotion.targets:
            if self.previous_grade(target) == grade:
                return target
        return None

    def grade_label(self, grade: str) -> str:
        """Return the name people read, e.g. ``话务员 · 一星`` (never the code)."""
        info = self.grades[grade]
        return info.title or info.name
