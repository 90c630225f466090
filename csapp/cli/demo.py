"""`flask demo`: a demo department with 12 months of data and demo logins."""

from __future__ import annotations

import click


@click.command("demo", help="Create a demo department with 12 months of data and demo logins.")
@click.option("--if-empty", is_flag=True, help="Do nothing (exit 0) when the database already has data.")
def demo_command(if_empty: bool) -> None:
    from ..services.demo import create_demo
    from ..services.errors import ServiceError

    try:
        summary = create_demo()
    except ServiceError as exc:
        if if_empty:
            click.echo("Database already has data; demo not created.")
            return
        raise click.ClickException("the database already has data; demo not created") from exc
    first, last = summary["months"]
    click.echo(f"Demo department {summary['department']}: {summary['people']} people, months {first} to {last}.")
    click.echo(
        f"Logins (password {summary['password']}): hr, hr2, admin, manager, sup1, sup2, agent01-agent30, spec01-spec04"
    )
