"""`flask pki init` (the organisation's signing keys) and `flask pdf verify FILE`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

pki_cli = AppGroup("pki", help="The organisation's signing certificate.")
pdf_cli = AppGroup("pdf", help="Signed PDF notices.")


@pki_cli.command("init", help="Create a self-signed organisation CA and a signing certificate in instance/pki.")
@click.option("--organisation", default=None, help="Organisation name (default: ORGANISATION_NAME).")
@click.option("--signer", "signer_name", default=None, help="Common name of the signing certificate.")
@click.option("--if-missing", is_flag=True, help="Do nothing when keys already exist.")
def pki_init(organisation: str | None, signer_name: str | None, if_missing: bool) -> None:
    from ..notices.pki import create_pki
    from ..services.notices import pki_paths

    paths = pki_paths()
    if paths.exists():
        if if_missing:
            click.echo(f"Signing keys already in {paths.folder}.")
            return
        raise click.ClickException(f"{paths.folder} already holds signing keys; remove them first to start over")
    organisation = organisation or current_app.config.get("ORGANISATION_NAME", "客服中心")
    passphrase = current_app.config.get("PKI_PASSPHRASE")
    create_pki(
        paths.folder, organisation, signer_name or f"{organisation} 人事部", passphrase.encode() if passphrase else None
    )
    click.echo(f"Created the CA {paths.ca_cert} and the signing certificate {paths.signer_p12}.")


EXIT_CODES = {"valid": 0, "invalid": 1, "superseded": 3, "voided": 4}


@pdf_cli.command(
    "verify",
    help="Verify a notice: exit 0 valid and current, 1 invalid, 3 valid but superseded, 4 valid but voided.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def pdf_verify(file: Path) -> None:
    from ..services.errors import ServiceError
    from ..services.notices import verify

    try:
        report = verify(file.read_bytes())
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    result = report.verification
    click.echo(result.summary)
    if result.signed:
        click.echo(f"signer: {result.signer}")
        click.echo(f"signed at: {result.signed_at}")
        click.echo(f"covers the whole file: {'yes' if result.covers_whole_file else 'no'}")
    click.echo(f"sha256: {result.sha256}")
    click.echo(
        f"registry: {report.notice.number + ' ' + report.notice.kind_name if report.notice else 'not an issued notice'}"
    )
    click.echo(f"standing: {report.standing} — {report.headline}")
    sys.exit(EXIT_CODES[report.standing])
