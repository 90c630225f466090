"""`flask scores rebuild [--month YYYY-MM]`: warm the stored KPI results."""

from __future__ import annotations

import click
from flask.cli import AppGroup

scores_cli = AppGroup("scores", help="Stored KPI results.")


@scores_cli.command("rebuild")
@click.option("--month", default=None, help="Only this month (YYYY-MM); default every month with data.")
def rebuild(month: str | None) -> None:
    """Compute and store the results of every department-month whose current version is not stored."""
    from ..policy.months import is_month
    from ..services.kpi import rebuild_results

    if month is not None and not is_month(month):
        raise click.BadParameter(f"{month!r} is not a month like 2026-10", param_hint="--month")
    computed, stored = rebuild_results(month)
    click.echo(f"computed {computed} department-month(s); {stored} already stored")
