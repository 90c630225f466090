"""A department's figures for a month (RULES.md §3, D10, D11): ranks, averages, the lowest QA mean, spreads,
each agent's standing against them, and stars — computed once, exactly, over integers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from .numbers import Number, exact, scaled

if TYPE_CHECKING:
    from .schema import Policy


def competition_ranks(values: Sequence[Number]) -> list[int]:
    """Return competition ranks (1,1,3), highest value first (D10): one sort of exact integer keys."""
    keys, _ = scaled([exact(v) for v in values])
    return ranks_of_keys(keys)


def ranks_of_keys(keys: Sequence[int]) -> list[int]:
    """Competition ranks of whole numbers (the exact keys of `scaled`), highest first."""
    first: dict[int, int] = {}
    for position, key in enumerate(sorted(keys, reverse=True), start=1):
        first.setdefault(key, position)
    return [first[key] for key in keys]


def _has_spread(values: Sequence[Fraction], policy: Policy) -> bool:
    return len(values) >= policy.kpi.min_agents_for_comparison and len(set(values)) > 1


@dataclass(frozen=True)
class DepartmentFigures:
    """What every agent's QA and volume items compare against: ranks, averages, the lowest QA mean, spreads."""

    qa_ranks: list[int]
    production_ranks: list[int]
    avg_qa: Fraction | None
    avg_production: Fraction | None
    lowest_qa: Fraction | None
    qa_spread: bool
    volume_spread: bool


def department_figures(
    qa_values: Sequence[Fraction], productions: Sequence[Fraction], policy: Policy
) -> DepartmentFigures:
    """Rank, average and compare the department's QA means and productions once (one sort each)."""
    qa_keys, qa_scale = scaled(qa_values)
    production_keys, production_scale = scaled([exact(p) for p in productions])
    return figures_of_keys(qa_keys, qa_scale, production_keys, production_scale, policy)


def figures_of_keys(
    qa_keys: Sequence[int], qa_scale: int, production_keys: Sequence[int], production_scale: int, policy: Policy
) -> DepartmentFigures:
    """The department's figures from its QA means and productions as whole numbers over a common denominator each."""
    return DepartmentFigures(
        ranks_of_keys(qa_keys),
        ranks_of_keys(production_keys),
        Fraction(sum(qa_keys), qa_scale * len(qa_keys)) if qa_keys else None,
        Fraction(sum(production_keys), production_scale * len(production_keys)) if production_keys else None,
        Fraction(min(qa_keys), qa_scale) if qa_keys else None,
        _has_spread(qa_keys, policy),
        _has_spread(production_keys, policy),
    )


def moved_standings(
    policy: Policy,
    qa_keys: Sequence[int],
    qa_scale: int,
    productions: Sequence[int],
    ranks_before: Sequence[tuple[int, int]],
    before: DepartmentFigures,
    after: DepartmentFigures,
) -> list[int]:
    """The indexes of the agents whose standing differs between two sets of department figures (ranks
    before as given, after as in *after*): rank 1, the lowest QA mean, at or below an average, a rank
    bonus. An agent whose standing is the same keeps its QA and volume scores, so its total; only the
    averages its texts name move.

    QA means are whole numbers over *qa_scale* (`scaled`). Only the agents who could have moved are
    compared (first place in QA gained or lost, a bonus rank that moved, at a lowest mean that changed,
    between the two averages), each exactly: nobody else's standing can differ."""
    bonuses = len(policy.kpi.items["volume"].rank_bonuses)
    ranks_after = list(zip(after.qa_ranks, after.production_ranks))

    def standing(figures: DepartmentFigures, index: int, ranks: tuple[int, int]) -> tuple:
        key, production, (qa_rank, production_rank) = qa_keys[index], productions[index], ranks
        qa_part = volume_part = None
        if figures.qa_spread:
            lowest, qa_avg = figures.lowest_qa, figures.avg_qa
            qa_part = (
                qa_rank == 1,
                key * lowest.denominator == lowest.numerator * qa_scale,
                key * qa_avg.denominator <= qa_avg.numerator * qa_scale,
            )
        if figures.volume_spread:
            volume_avg = figures.avg_production
            volume_part = (
                production_rank if production_rank <= bonuses else 0,
                production * volume_avg.denominator <= volume_avg.numerator,
            )
        return qa_part, volume_part

    if (before.qa_spread, before.volume_spread) != (after.qa_spread, after.volume_spread):
        candidates: Iterable[int] = range(len(qa_keys))
    else:
        candidates = sorted(
            _near_a_line(qa_keys, qa_scale, productions, ranks_before, ranks_after, before, after, bonuses)
        )
    return [
        index
        for index in candidates
        if standing(before, index, ranks_before[index]) != standing(after, index, ranks_after[index])
    ]


def _near_a_line(
    qa_keys: Sequence[int],
    qa_scale: int,
    productions: Sequence[int],
    ranks_before: Sequence[tuple[int, int]],
    ranks_after: Sequence[tuple[int, int]],
    before: DepartmentFigures,
    after: DepartmentFigures,
    bonuses: int,
) -> set[int]:
    """The agents whose standing could differ between figures with the same spreads: first place in QA
    gained or lost, a bonus rank that moved, at a lowest QA mean that changed, between two averages. A
    superset, each then compared exactly."""
    near: set[int] = set()
    if after.qa_spread:
        low, high = _between(before.avg_qa * qa_scale, after.avg_qa * qa_scale)
        lowest = (
            {before.lowest_qa * qa_scale, after.lowest_qa * qa_scale} if before.lowest_qa != after.lowest_qa else ()
        )
        near.update(i for i, key in enumerate(qa_keys) if low <= key <= high or key in lowest)
        near.update(i for i, (a, b) in enumerate(zip(ranks_before, ranks_after)) if (a[0] == 1) != (b[0] == 1))
    if after.volume_spread:
        low, high = _between(before.avg_production, after.avg_production)
        near.update(i for i, production in enumerate(productions) if low <= production <= high)
        near.update(
            i
            for i, (a, b) in enumerate(zip(ranks_before, ranks_after))
            if a[1] != b[1] and (a[1] <= bonuses or b[1] <= bonuses)
        )
    return near


def _between(first: Fraction, second: Fraction) -> tuple[int, int]:
    """Whole numbers around two lines: a whole number at or below one line and above the other lies within."""
    return math.floor(min(first, second)), math.ceil(max(first, second))


def stars_of(qa_rank: int, production_rank: int, figures: DepartmentFigures) -> tuple[str, ...]:
    """The stars of the month (D11): first in production, first in QA — only where the department has a spread."""
    return tuple(
        name
        for name, spread, rank in (
            ("production", figures.volume_spread, production_rank),
            ("qa", figures.qa_spread, qa_rank),
        )
        if spread and rank == 1
    )
