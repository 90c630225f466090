"""`flask policy export FILE` and `flask policy import FILE --author USER`: a version as a TOML file."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

policy_cli = AppGroup("policy", help="Policy versions as TOML files (an import creates a draft, never publishes).")


@policy_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--version", "label", default=None, help="The version to write (its label); default: the one in force.")
@click.option("--month", default=None, help="The version in force in this month (YYYY-MM); default: this month.")
def export(file: str, label: str | None, month: str | None) -> None:
    """Write a stored version (published or draft) to FILE as TOML."""
    from ..services import policy_drafts
    from ..services.errors import ServiceError

    try:
        text = policy_drafts.export_text(label, month)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    Path(file).write_text(text, encoding="utf-8")
    click.echo(f"wrote {file}")


@policy_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--author", required=True, help="The policy admin (username) the draft is recorded for.")
def import_(file: str, author: str) -> None:
    """Create a draft from FILE (validated like an edit in the form; never published)."""
    from ..services import policy_drafts
    from ..services.errors import ServiceError
    from ..services.login import user_named

    user = user_named(author)
    if user is None:
        raise click.ClickException(f"no user {author!r}")
    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {file}: {exc}") from exc
    try:
        row = policy_drafts.import_draft(user, text)
    except policy_drafts.DraftInvalid as exc:
        for problem in exc.problems:
            click.echo(f"{'.'.join(str(p) for p in problem.path)}: {problem.label}:{problem.message}", err=True)
        raise click.ClickException(f"{len(exc.problems)} problem(s); nothing was imported") from exc
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"draft {row.label} (effective {row.effective}) created for {author}; it needs another admin's approval")
