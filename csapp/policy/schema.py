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


FIXED = {"fixed": True}
"""Structure the code relies on: shown, never edited in a draft."""
ROWS = {"rows": True}
"""A list table: rows may be added and removed (except the keys in ``protected``, which may only be renamed)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Track(_Frozen):
    name: str = Field(title="名称")
    ladder: list[str] = Field(min_length=1, title="职级阶梯", json_schema_extra=FIXED)


class Grade(_Frozen):
    name: str = Field(title="职级名称")
    title: str | None = Field(None, title="称谓")  # what people read (话务员 · 一星); default: name
    # for a regularised person still on this grade (话务员(未定星))
    unrated_title: str | None = Field(None, title="未定星称谓")
    base: Decimal = Field(ge=0, title="基本工资(元)")
    performance: Decimal = Field(ge=0, title="绩效工资标准(元)")
    commission_per_book: Decimal = Field(default=Decimal(0), ge=0, title="每本佣金(元)")


class Pay(_Frozen):
    kpi_cap: Decimal = Field(gt=0, title="绩效系数封顶分(分)")
    performance_zero_leave_days: Decimal = Field(gt=0, title="绩效工资归零的请假天数(天)")
    attendance_bonus: Decimal = Field(ge=0, title="全勤奖(元)")
    counted_leave_types: list[str] = Field(title="计入的假别", json_schema_extra=FIXED)
    leave_type_names: dict[str, str] = Field(title="假别名称")
    allowance_names: dict[str, str] = Field(title="补贴项目", json_schema_extra=ROWS)
    # 社保个人部分 …: inputs from the payroll provider, never computed here
    deduction_kinds: dict[str, str] = Field({}, title="扣款项目", json_schema_extra=ROWS)
    grade_allowances: dict[str, dict[str, Decimal]] = Field({}, title="职级固定补贴(元/月)")

    @field_validator("counted_leave_types")
    @classmethod
    def _known_leave(cls, value: list[str]) -> list[str]:
        unknown = set(value) - set(LEAVE_TYPES)
        if unknown:
            raise ValueError(f"unknown leave types {sorted(unknown)}")
        return value


class KpiItem(_Frozen):
    name: str = Field(title="名称")
    block: str = Field(title="所属板块")
    weight: Decimal = Field(gt=0, title="分值(分)")
    per_count: Decimal | None = Field(None, ge=0, title="每次扣分(分)")
    target_rate: Decimal | None = Field(None, gt=0, le=100, title="达标接通率(%)")
    per_point: Decimal | None = Field(None, ge=0, title="每低 1 个百分点扣分(分)")
    per_second: Decimal | None = Field(None, ge=0, title="每超 1 秒扣分(分)")
    limit_seconds: dict[Literal["regular", "intern"], Decimal] | None = Field(None, title="通话均长上限(秒)")
    rank1_bonus: Decimal | None = Field(None, ge=0, title="第一名加分(分)")
    last_place_penalty: Decimal | None = Field(None, ge=0, title="最后一名扣分(分)")
    at_or_below_average_penalty: Decimal | None = Field(None, ge=0, title="平均及以下扣分(分)")
    rank_bonuses: list[Decimal] | None = Field(None, title="名次加分(分)")
    above_average_bonus: Decimal | None = Field(None, ge=0, title="均产以上加分(分)")


class Incident(_Frozen):
    name: str = Field(title="名称")
    points: Decimal = Field(title="分值(分,扣分为负)")


class Kpi(_Frozen):
    min_agents_for_comparison: int = Field(ge=2, title="参与比较的最少坐席数(人)")
    qa_expected_samples: int = Field(ge=1, title="每月应有质检样本数(条)")
    items: dict[str, KpiItem] = Field(title="考核项目")
    # keys the code counts (promotion criteria) may be renamed, never removed
    incidents: dict[str, Incident] = Field(
        title="管理事件",
        json_schema_extra={**ROWS, "protected": ["work_error", "refused_arrangement", "service_complaint"]},
    )

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
    items: list[str] = Field(min_length=1, title="考核项")
    weights: list[Decimal] | None = Field(None, title="权重")


class Target(_Frozen):
    months: int = Field(ge=1, title="任职时间(个月)")
    tenure: Literal["grade", "regularized", "regularized_cumulative"] = Field(title="任职时间起算")


class Criterion(_Frozen):
    key: str = Field(title="代码", json_schema_extra=FIXED)
    name: str = Field(title="名称")
    measure: Literal["mean", "sum", "dept_mean", "dept_sum", "months_at_or_above", "turnover", "input"] = Field(
        title="计算方式", json_schema_extra=FIXED
    )
    field: str | None = Field(None, title="数据项", json_schema_extra=FIXED)
    op: Literal[">=", "<=", "pass"] = Field(title="比较", json_schema_extra=FIXED)
    thresholds: dict[str, Decimal] = Field({}, title="门槛")
    texts: dict[str, str] = Field({}, title="要求说明")


class TrackRules(_Frozen):
    gates: list[str] = Field(title="前置条件", json_schema_extra=FIXED)
    criteria: list[Criterion] = Field(title="资格条件")

    @field_validator("gates")
    @classmethod
    def _known_gates(cls, value: list[str]) -> list[str]:
        unknown = set(value) - set(GATES)
        if unknown:
            raise ValueError(f"unknown gates {sorted(unknown)}")
        return value


class Promotion(_Frozen):
    window_first_day: int = Field(ge=1, le=28, title="申请窗口首日(日)")
    window_last_day: int = Field(ge=1, le=28, title="申请窗口末日(日)")
    leave_gate_days: Decimal = Field(gt=0, title="周期内请假门槛(天)")
    service_level_seconds: int = Field(gt=0, title="服务水平接起时限(秒)")
    targets: dict[str, Target] = Field(title="晋升目标")
    tracks: dict[str, TrackRules] = Field(title="各岗位条件")


class Policy(_Frozen):
    """One version of the scheme, in force from its ``effective`` month."""

    version: str = Field(title="版本号", json_schema_extra=FIXED)
    effective: Month = Field(title="生效月份", json_schema_extra=FIXED)
    title: str = Field(title="方案名称")
    tracks: dict[str, Track] = Field(title="岗位序列")
    career: list[str] = Field(title="晋升阶梯", json_schema_extra=FIXED)
    grades: dict[str, Grade] = Field(title="职级与工资标准")
    pay: Pay = Field(title="工资")
    kpi: Kpi = Field(title="坐席绩效")
    reviewed_scores: dict[str, ReviewedScores] = Field(title="考核评分项")
    promotion: Promotion = Field(title="晋升")
    decisions: dict[str, str] = Field(title="方案解释")
    # usual upper bounds of the entry grid's fields: a value above is saved only once the user confirms it
    soft_limits: dict[str, Decimal] = Field(default_factory=dict, title="录入提醒上限", json_schema_extra=ROWS)

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
