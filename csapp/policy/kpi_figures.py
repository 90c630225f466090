"""A department's figures for a month (RULES.md §3, D10, D11): ranks, averages, the lowest QA mean, spreads,
each agent's standing against them, and stars — computed once, exactly, over integers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from .numbers import Number, exact, mean, scaled

if TYPE_CHECKING:
    from .schema import Policy


def competition_ranks(values: Sequence[Number]) -> list[int]:
    """Return competition ranks (1,1,3), highest value first (D10): one sort of exact integer keys."""
    keys, _ = scaled([exact(v) for v in values])
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
    return DepartmentFigures(
        competition_ranks(qa_values),
        competition_ranks(productions),
        Fraction(sum(qa_keys), qa_scale * len(qa_keys)) if qa_keys else None,
        mean(productions) if productions else None,
        Fraction(min(qa_keys), qa_scale) if qa_keys else None,
        _has_spread(qa_keys, policy),
        _has_spread(productions, policy),
    )


def moved_standings(
    policy: Policy,
    qa_values: Sequence[Fraction],
    productions: Sequence[int],
    ranks_before: Sequence[tuple[int, int]],
    before: DepartmentFigures,
    after: DepartmentFigures,
) -> list[int]:
    """The indexes of the agents whose standing differs between two sets of department figures (ranks
    before as given, after as in *after*): rank 1, the lowest QA mean, at or below an average, a rank
    bonus. An agent whose standing is the same keeps its QA and volume scores, so its total; only the
    averages its texts name move. Integer comparisons over one common denominator: exact and cheap."""
    keys, scale = scaled(qa_values)
    bonuses = len(policy.kpi.items["volume"].rank_bonuses)

    def standings(figures: DepartmentFigures, ranks: Sequence[tuple[int, int]]) -> list[tuple]:
        qa_avg, lowest, volume_avg = figures.avg_qa, figures.lowest_qa, figures.avg_production
        found = []
        for key, production, (qa_rank, production_rank) in zip(keys, productions, ranks):
            qa_part = volume_part = None
            if figures.qa_spread:
                qa_part = (
                    qa_rank == 1,
                    key * lowest.denominator == lowest.numerator * scale,
                    key * qa_avg.denominator <= qa_avg.numerator * scale,
                )
            if figures.volume_spread:
                volume_part = (
                    production_rank if production_rank <= bonuses else 0,
                    production * volume_avg.denominator <= volume_avg.numerator,
                )
            found.append((qa_part, volume_part))
        return found

    old = standings(before, ranks_before)
    new = standings(after, list(zip(after.qa_ranks, after.production_ranks)))
    return [index for index, (a, b) in enumerate(zip(old, new)) if a != b]


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
