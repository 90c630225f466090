"""Policy versions: dated parameter tables, loaded from TOML and validated once.

The tables' schema (pydantic) lives in :mod:`.schema` and is imported on the first load, not here.
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .schema import Criterion, KpiItem, Month, Policy  # noqa: F401  (names for annotations)

DATA_DIR = Path(__file__).parent / "data"

TRACKS = ("agent", "spec", "sup", "mgr")
KPI_ITEMS = (
    "connection",
    "feedback",
    "qa",
    "satisfaction",
    "volume",
    "im",
    "call_length",
    "plan",
    "knowledge",
    "operations",
    "discipline",
    "cooperation",
)
LEAVE_TYPES = ("annual", "sick", "personal", "bereavement", "maternity", "marriage", "other")
GATES = ("tenure", "window", "data", "leave", "service_complaint", "serious_error")


class PolicyError(ValueError):
    """A policy file that cannot be used, with the reason."""


def parse_policy(text: str, source: str = "policy") -> Policy:
    """Parse and validate one policy version from TOML text."""
    from pydantic import ValidationError

    from .schema import Policy

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML: {exc}") from exc
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PolicyError(f"{source}: {where}: {first['msg']}") from exc


def load_policy_file(path: str | Path) -> Policy:
    """Load one policy version from a TOML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read: {exc.strerror}") from exc
    return parse_policy(text, str(path))


@functools.cache
def shipped_policies() -> tuple[Policy, ...]:
    """Return the policy versions shipped with the app, oldest first (the `rules` command's default)."""
    versions = [load_policy_file(p) for p in sorted(DATA_DIR.glob("*.toml"))]
    return tuple(sorted(versions, key=lambda p: p.effective))


def policy_for(month: str, versions: tuple[Policy, ...]) -> Policy:
    """Return the version in force in *month*: the latest whose effective month ≤ it (the earliest before
    the first one). *versions* is a book, oldest first: services read it through `policy_book.policy_in`, the rules command
    its files; there is no default."""
    if not versions:
        raise PolicyError("no policy version is published")
    in_force = versions[0]
    for version in versions:
        if version.effective > month:
            break
        in_force = version
    return in_force


def policy_text(policy: Policy) -> str:
    """Return the version as canonical TOML (what the database stores, what `policy export` writes)."""
    import tomli_w

    return tomli_w.dumps(policy.model_dump(mode="json", exclude_none=True))


def content_hash(text: str) -> str:
    """Return the hash that names a version's content (an edit changes it)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


SCHEMA_VERSION = 1
"""The policy schema's version: a release that changes csapp.policy.schema raises it and ships a data
migration (csapp.policy.schema_versions) that rewrites every stored version."""
