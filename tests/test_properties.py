"""Properties of the rules core that must hold for any input (hypothesis)."""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from csapp.policy.kpi import AgentMonth, score_department
from csapp.policy.kpi_figures import department_figures, moved_standings
from csapp.policy.numbers import round2
from csapp.policy.parameters import LEAVE_TYPES, shipped_policies
from csapp.policy.pay import PAY_LINES, PayInput, compute_pay

POLICY = shipped_policies()[-1]
counts = st.integers(min_value=0, max_value=15)
scores = st.decimals(min_value=0, max_value=100, places=2)

agents = st.builds(
    AgentMonth,
    id=st.uuids().map(str),
    employment=st.sampled_from(["regular", "intern"]),
    production=st.integers(min_value=0, max_value=3000),
    qa_scores=st.lists(scores, min_size=1, max_size=6),
    dissatisfied=counts,
    feedback_unprocessed=counts,
    im_unprocessed=counts,
    avg_call_seconds=st.decimals(min_value=0, max_value=400, places=1),
    plan_missed=counts,
    knowledge_errors=counts,
    operation_errors=counts,
    discipline=counts,
    cooperation=counts,
    incidents=st.dictionaries(st.sampled_from(sorted(POLICY.kpi.incidents)), counts, max_size=4),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(agents, min_size=1, max_size=8), scores)
def test_kpi_total_is_items_plus_incidents_and_items_never_negative(department, rate):
    result = score_department("2026-10", rate, department, POLICY)
    for agent in result.agents:
        assert all(item.score >= 0 for item in agent.items.values())
        assert agent.items_sum == sum(item.score for item in agent.items.values())
        assert agent.total == max(Decimal(0), agent.items_sum + agent.incident_points)
        expected_points = sum(
            POLICY.kpi.incidents[k].points * n
            for k, n in next(a for a in department if a.id == agent.id).incidents.items()
        )
        assert agent.incident_points == expected_points
        assert agent.total >= 0
        assert all(item.explanation for item in agent.items.values())


@settings(max_examples=300, deadline=None)
@given(
    grade=st.sampled_from(sorted(POLICY.grades)),
    kpi=st.decimals(min_value=0, max_value=130, places=2),
    late=st.integers(0, 3),
    absent=st.integers(0, 2),
    leave=st.dictionaries(st.sampled_from(LEAVE_TYPES), st.integers(0, 24).map(lambda n: Decimal(n) / 2)),
    books=st.integers(0, 2000),
    allowances=st.dictionaries(
        st.sampled_from(["meal", "transport", "phone"]), st.decimals(min_value=0, max_value=1000, places=2)
    ),
)
def test_gross_is_the_sum_of_its_lines(grade, kpi, late, absent, leave, books, allowances):
    person = PayInput("P", grade, late, absent, kpi, leave, books, allowances)
    result = compute_pay(person, POLICY)
    assert result.gross == sum(result.lines[key].amount for key in PAY_LINES)
    assert all(line.amount >= 0 for line in result.lines.values())
    assert result.lines["performance"].amount <= POLICY.grades[grade].performance


_AMOUNT = r"-?¥[\d,]+\.\d\d"


def _yuan(text: str) -> Decimal:
    return Decimal(text.replace("¥", "").replace(",", ""))


@settings(max_examples=300, deadline=None)
@given(
    grade=st.sampled_from(sorted(POLICY.grades)),
    kpi=st.decimals(min_value=0, max_value=130, places=3),
    days=st.sampled_from([28, 29, 30, 31]),
    employed=st.integers(1, 31),
    allowances=st.dictionaries(
        st.sampled_from(["meal", "transport", "phone"]), st.decimals(min_value=0, max_value=1000, places=2)
    ),
)
def test_every_explanation_ends_on_its_figure_and_its_arithmetic_holds(grade, kpi, days, employed, allowances):
    import re

    employed = min(employed, days)
    person = PayInput("P", grade, kpi_score=kpi, allowances=allowances, employed_days=employed)
    result = compute_pay(person, POLICY, days)
    for key in ("base", "performance", "allowances"):
        line = result.lines[key]
        amounts = re.findall(_AMOUNT, line.explanation)
        if line.amount or amounts:
            assert _yuan(amounts[-1]) == line.amount, line.explanation
        part = re.search(rf"({_AMOUNT}) × (\d+) ÷ (\d+) = ({_AMOUNT})", line.explanation)
        if part:  # the shown arithmetic, rounded half up, gives the shown figure
            whole, e, d, shown = _yuan(part[1]), int(part[2]), int(part[3]), _yuan(part[4])
            assert (e, d) == (employed, days)
            assert round2(whole * e / d) == shown == line.amount
    perf = re.search(
        rf"({_AMOUNT}) × 绩效总分 ([\d.]+)(?:,超过 \d+ 按 (\d+) 计)? ÷ 100 = ({_AMOUNT})",
        result.lines["performance"].explanation,
    )
    if perf:
        factor = Decimal(perf[3]) if perf[3] else Decimal(perf[2])
        assert round2(_yuan(perf[1]) * factor / 100) == _yuan(perf[4])


qa_means = st.tuples(st.integers(min_value=0, max_value=10000), st.sampled_from([1, 2, 3, 4, 6, 7, 100, 300]))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(qa_means, st.integers(min_value=0, max_value=60)), min_size=1, max_size=40),
    st.tuples(qa_means, st.integers(min_value=0, max_value=60)),
    st.integers(min_value=0),
)
def test_the_agents_a_derivation_rescores_are_exactly_those_whose_standing_moved(people, new, which):
    """moved_standings compares only the agents near a line; the answer is the one comparing everybody."""

    which %= len(people)
    after_people = people[:which] + people[which + 1 :] + [new]  # one agent's data changed: last in the new list
    figures = [
        department_figures([Fraction(n, d) for (n, d), _ in group], [p for _, p in group], POLICY)
        for group in (people, after_people)
    ]
    kept = [person for index, person in enumerate(people) if index != which]
    before_ranks = [(figures[0].qa_ranks[i], figures[0].production_ranks[i]) for i in range(len(people)) if i != which]
    bonuses = len(POLICY.kpi.items["volume"].rank_bonuses)

    def standing(f, qa: Fraction, production: int, qa_rank: int, production_rank: int) -> tuple:
        return (
            (qa_rank == 1, qa == f.lowest_qa, qa <= f.avg_qa) if f.qa_spread else None,
            (production_rank if production_rank <= bonuses else 0, production <= f.avg_production)
            if f.volume_spread
            else None,
        )

    expected = [
        index
        for index, ((n, d), production) in enumerate(kept)
        if standing(figures[0], Fraction(n, d), production, *before_ranks[index])
        != standing(
            figures[1], Fraction(n, d), production, figures[1].qa_ranks[index], figures[1].production_ranks[index]
        )
    ]
    scale = math.lcm(*(d for (_, d), _ in kept))
    keys = [n * (scale // d) for (n, d), _ in kept]
    after = figures[1]
    found = moved_standings(
        POLICY,
        keys,
        scale,
        [p for _, p in kept],
        before_ranks,
        figures[0],
        replace(after, qa_ranks=after.qa_ranks[: len(kept)], production_ranks=after.production_ranks[: len(kept)]),
    )
    assert found == expected
