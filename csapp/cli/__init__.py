"""Command-line commands registered on the app (`flask --app csapp …`)."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from .backup import backup_command, restore_command
    from .demo import demo_command
    from .move import migrate_to_command
    from .pdf import pdf_cli, pki_cli
    from .policy import policy_cli
    from .rules import rules_cli
    from .scores import scores_cli

    app.cli.add_command(rules_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(pki_cli)
    app.cli.add_command(pdf_cli)
    app.cli.add_command(scores_cli)
    app.cli.add_command(policy_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(migrate_to_command)
