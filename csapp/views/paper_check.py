"""Public, no login: 纸质通知书核验 (number + code, or the QR code) and the CA's revocation list."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, render_template, request

from ..extensions import limiter
from ..notices import crl
from ..services import paper_check, trust_store
from ..services.notices import pki_paths

bp = Blueprint("paper_check", __name__)


def _limit() -> str:
    return current_app.config["PAPER_CHECK_LIMIT"]


@bp.get("/v")
@limiter.limit(_limit)
def form():
    """Type the number and code from a printed notice."""
    number, code = request.args.get("number", ""), request.args.get("code", "")
    if not (number or code):
        return render_template("notices/paper_check.html", asked=False, found=None)
    return _answer(number, code)


@bp.get("/v/<number>/<code>")
@limiter.limit(_limit)
def direct(number: str, code: str):
    """Where the QR code leads."""
    return _answer(number, code)


def _answer(number: str, code: str):
    found = paper_check.check(number[:40], code[:40])
    status = 200 if found else 404
    return render_template("notices/paper_check.html", asked=True, found=found, number=number[:40]), status


@bp.get("/pki/<label>.crl")
def revocation_list(label: str):
    """The CRL named in our signing certificates (made again when older than CRL_REFRESH_DAYS)."""
    paths = pki_paths()
    if not re.fullmatch(r"[0-9a-f]{16}", label):
        abort(404)
    passphrase = current_app.config.get("PKI_PASSPHRASE")
    if paths.exists() and crl.crl_path(paths).name == f"{label}.crl":
        refresh = float(current_app.config.get("CRL_REFRESH_DAYS", 1))
        data = crl.current_crl(paths, passphrase.encode() if passphrase else None, refresh)
    else:  # an earlier CA's last list, or an app server without the keys: the shared trust store
        stored = trust_store.local_trust(paths) / f"{label}.crl"
        if not stored.exists():
            abort(404)
        data = stored.read_bytes()
    return Response(data, mimetype="application/pkix-crl", headers={"Cache-Control": "public, max-age=3600"})
