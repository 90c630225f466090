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
        paths.folder,
        organisation,
        signer_name or f"{organisation} 人事部",
        passphrase.encode() if passphrase else None,
        crl_base=current_app.config.get("PUBLIC_BASE_URL"),
    )
    click.echo(
        f"Created the CA {paths.ca_cert} (key {paths.ca_key}, 0600) and the signing certificate {paths.signer_p12}."
    )
    _publish(paths)


@pki_cli.command(
    "rotate",
    help="Issue a new signing certificate from the kept CA key (without one: a new CA too). "
    "Every earlier certificate stays in instance/pki/trust/, so earlier notices still verify.",
)
@click.option("--organisation", default=None, help="Organisation name (default: ORGANISATION_NAME).")
@click.option("--signer", "signer_name", default=None, help="Common name of the new signing certificate.")
def pki_rotate(organisation: str | None, signer_name: str | None) -> None:
    from ..notices.pki import rotate_pki
    from ..services.notices import pki_paths

    paths = pki_paths()
    organisation = organisation or current_app.config.get("ORGANISATION_NAME", "客服中心")
    passphrase = current_app.config.get("PKI_PASSPHRASE")
    try:
        _, new_ca = rotate_pki(
            paths.folder,
            organisation,
            signer_name or f"{organisation} 人事部",
            passphrase.encode() if passphrase else None,
            crl_base=current_app.config.get("PUBLIC_BASE_URL"),
        )
    except (ValueError, TypeError) as exc:  # a wrong or missing PKI_PASSPHRASE
        raise click.ClickException(f"cannot open the kept keys: {exc}") from None
    made = "a new CA and a new signing certificate" if new_ca else "a new signing certificate from the kept CA"
    click.echo(f"Issued {made}; earlier certificates stay in {paths.trust} for verification.")
    _publish(paths)
    click.echo("With more than one machine, distribute it before the next notice is signed:")
    click.echo(f"  1. copy {paths.folder} (the signing key and certificates; keep it mode 0700) to every worker")
    click.echo("     machine that runs huey_consumer, into its instance/pki — e.g. rsync -a --delete over ssh;")
    click.echo("  2. nothing to copy to the app servers: the public certificates and CRLs are in the database;")
    click.echo("  3. restart the workers (systemctl restart csapp-worker) so each loads the new key;")
    click.echo("  4. sign one notice and check it on 验证通知书 (or: flask --app csapp pdf verify FILE).")


@pki_cli.command("revoke", help="Revoke a signing certificate (hex serial, see instance/pki/trust/signer-*.pem).")
@click.argument("serial")
@click.option("--reason", required=True, help="Why (kept with the revocation).")
def pki_revoke(serial: str, reason: str) -> None:
    from ..notices import crl
    from ..services.notices import pki_paths

    paths = pki_paths()
    try:
        target = crl.revoke(paths, serial, reason, _passphrase())
    except (ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Revoked {serial}; the new CRL is {target}. Run `pki rotate` if it was the current signer.")
    _publish(paths)


@pki_cli.command("crl", help="Make the CA's CRL now and print where it is; --import keeps an external CA's CRL.")
@click.option("--import", "imported", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
def pki_crl(imported: Path | None) -> None:
    from ..notices import crl
    from ..services.notices import pki_paths

    paths = pki_paths()
    try:
        target = crl.import_crl(paths, imported.read_bytes()) if imported else crl.make_crl(paths, _passphrase())
    except (ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"CRL: {target} (next update {crl.next_update(paths):%Y-%m-%d %H:%M} UTC)")
    _publish(paths)


def _publish(paths) -> None:
    """Share the public trust files through the database, so every app server verifies alike."""
    from ..services import trust_store

    try:
        changed = trust_store.publish(paths)
    except Exception as exc:  # noqa: BLE001  (no database yet: the next verification publishes them)
        click.echo(f"trust store not published to the database yet ({type(exc).__name__}); it will be on first use")
        return
    click.echo(f"trust store: {changed} file(s) published to the database for every app server")


def _passphrase() -> bytes | None:
    passphrase = current_app.config.get("PKI_PASSPHRASE")
    return passphrase.encode() if passphrase else None


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
    except Exception as exc:  # whatever a hostile file does to a parser: one line, exit 1
        click.echo(f"invalid: 无法校验这个文件({type(exc).__name__})")
        sys.exit(1)
    result = report.verification
    registry = f"{report.notice.number} {report.notice.kind_name}" if report.notice else "不在登记簿中"
    detail = f"{report.headline} · {result.summary}" if report.valid else result.summary
    click.echo(f"{report.standing}: {registry} · {detail} · sha256 {result.sha256}")  # one line, never a traceback
    sys.exit(EXIT_CODES[report.standing])
