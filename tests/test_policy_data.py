"""Policy versions are data: validated on load, chosen by month, replaceable by --policy."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from conftest import REPO, agent_doc, score_doc

from csapp.policy.parameters import DATA_DIR, PolicyError, parse_policy, policy_for, shipped_policies

DEFAULT_TOML = sorted(DATA_DIR.glob("*.toml"))[0].read_text(encoding="utf-8")


def test_shipped_policy_is_valid_and_has_every_decision():
    policy = shipped_policies()[0]
    assert policy.effective == "2000-01"
    assert [f"D{n}" for n in range(1, 19)] == list(policy.decisions)
    assert policy.next_grade("agent.3") == "sup.1" and policy.next_grade("sup.3") == "mgr.1"
    assert policy.next_grade("spec.p") == "spec.1" and policy.next_grade("mgr.3") is None


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('base = "3300"', 'base = "-1"', "grades.agent.2.base"),
        ('weight = "20"', 'weight = "zero"', "kpi.items.connection.weight"),
        ('effective = "2000-01"', 'effective = "2000-13"', "effective"),
        ("months = 3\n", "months = 0\n", "promotion.targets.agent.1.months"),
        (
            'thresholds = { "agent.1" = "93", "agent.2" = "95", "agent.3" = "98.5" }',
            'thresholds = { "agent.1" = "93", "agent.2" = "95" }',
            "needs a threshold",
        ),
        ('version = "default-1"', 'version = "default-1"\nversoin = "x"', "versoin"),
    ],
)
def test_a_broken_policy_is_refused_with_its_path(old, new, message):
    assert old in DEFAULT_TOML
    with pytest.raises(PolicyError) as raised:
        parse_policy(DEFAULT_TOML.replace(old, new, 1), "test.toml")
    assert message in str(raised.value)


def test_policy_for_picks_the_version_in_force():
    old = parse_policy(DEFAULT_TOML)
    new = parse_policy(
        DEFAULT_TOML.replace('effective = "2000-01"', 'effective = "2027-01"').replace(
            'version = "default-1"', 'version = "2027"'
        )
    )
    assert policy_for("2026-12", (old, new)).version == "default-1"
    assert policy_for("2027-01", (old, new)).version == "2027"


def test_policy_option_changes_the_numbers(rules, tmp_path: Path):
    changed = tmp_path / "strict.toml"
    changed.write_text(
        DEFAULT_TOML.replace('target_rate = "95"', 'target_rate = "98"').replace(
            'version = "default-1"', 'version = "strict"'
        ),
        encoding="utf-8",
    )
    code, out, err = rules("score", score_doc(agent_doc(), rate=96), "--policy", str(changed))
    assert code == 0, err
    result = json.loads(out)
    assert result["policy_version"] == "strict"
    assert result["agents"][0]["items"]["connection"] == 16.0
    code, out, err = rules("score", score_doc(agent_doc(), rate=96), "--policy", str(tmp_path / "none.toml"))
    assert code == 2 and out == "" and "cannot read" in err


def test_policy_package_is_pure():
    for path in (REPO / "csapp" / "policy").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert name.split(".")[0] not in ("flask", "sqlalchemy", "flask_sqlalchemy"), f"{path}: {name}"
