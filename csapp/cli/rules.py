"""`flask rules score|payroll|promotion FILE|-`: the rules core as JSON in, JSON out."""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

import click
from flask.cli import AppGroup

from ..policy.months import is_month
from ..policy.parameters import PolicyError, load_policy_file, policy_for, shipped_policies

rules_cli = AppGroup("rules", help="Apply the scheme's rules to a JSON document (see CONTRACT.md).")


def _document_month(data: Any) -> str | None:
    if isinstance(data, dict):
        month = data.get("month")
        if is_month(month):
            return month
        applied = data.get("applied_on")
        if isinstance(applied, str) and is_month(applied[:7]):
            return applied[:7]
    return None


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _run(source: click.File, policy_file: str | None, runner_name: str) -> None:
    from ..contract.common import InputError, parse_json  # the schemas load only when a rules command runs

    module, function = runner_name.split(":")
    runner = getattr(importlib.import_module(f"csapp.contract.{module}"), function)
    try:
        text = source.read()
    except UnicodeDecodeError:
        _fail("input is not UTF-8 text")
    try:
        data = parse_json(text)
        if policy_file:
            policy = load_policy_file(policy_file)
        else:
            month = _document_month(data)
            policy = policy_for(month, shipped_policies()) if month else shipped_policies()[-1]
        result = runner(data, policy)
    except (InputError, PolicyError) as exc:
        _fail(str(exc))
    click.echo(json.dumps(result, ensure_ascii=False, indent=1))


def _command(name: str, runner: str, help_text: str) -> None:
    @rules_cli.command(name, help=help_text)
    @click.argument("source", type=click.File("r", encoding="utf-8"))
    @click.option(
        "--policy",
        "policy_file",
        type=click.Path(dir_okay=False),
        help="A policy TOML file to use instead of the shipped policy.",
    )
    def command(source: click.File, policy_file: str | None) -> None:
        _run(source, policy_file, runner)


_command("score", "score:run_score", "Monthly KPI of one department's agents.")
_command("payroll", "payroll:run_payroll", "Monthly pay of people.")
_command("promotion", "promotion:run_promotion", "Eligibility of one promotion application.")
