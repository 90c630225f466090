"""Put the shipped policy versions into the database, and rewrite stored versions after a schema change.

Both run inside migrations (on Alembic's connection) and in the test fixtures, so they use Core on
tables of their own (a later model column must not reach an old migration).
"""

from __future__ import annotations

import datetime as dt
import tomllib

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..policy.parameters import DATA_DIR, SCHEMA_VERSION, content_hash, parse_policy, policy_text
from ..policy.schema_versions import upgrade_raw

_versions = sa.table(
    "policy_version",
    sa.column("id", sa.Integer),
    sa.column("label", sa.String),
    sa.column("effective", sa.String),
    sa.column("status", sa.String),
    sa.column("schema_version", sa.Integer),
    sa.column("content", sa.Text),
    sa.column("content_hash", sa.String),
    sa.column("created_at", sa.DateTime),
    sa.column("published_at", sa.DateTime),
    sa.column("return_reason", sa.Text),
    sa.column("withdraw_reason", sa.Text),
    sa.column("lock", sa.Integer),
)
_generation = sa.table("policy_generation", sa.column("id", sa.Integer), sa.column("value", sa.Integer))


def shipped_texts() -> list[str]:
    """The TOML of every version file in the app's policy folder (those an install added included)."""
    return [path.read_text(encoding="utf-8") for path in sorted(DATA_DIR.glob("*.toml"))]


def seed_shipped_versions(connection: Connection, texts: list[str] | None = None) -> int:
    """Insert each version of *texts* (default: the shipped files) not stored yet, as published; create the
    generation row. Return how many were inserted."""
    texts = shipped_texts() if texts is None else texts
    stored = set(connection.execute(sa.select(_versions.c.label)).scalars())
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    added = 0
    for text in texts:
        policy = parse_policy(text, "shipped policy")
        if policy.version in stored:
            continue
        content = policy_text(policy)
        connection.execute(
            _versions.insert().values(
                label=policy.version,
                effective=policy.effective,
                status="published",
                schema_version=SCHEMA_VERSION,
                content=content,
                content_hash=content_hash(content),
                created_at=now,
                published_at=now,
                return_reason="",
                withdraw_reason="",
                lock=1,
            )
        )
        stored.add(policy.version)
        added += 1
    if connection.execute(sa.select(_generation.c.value).where(_generation.c.id == 1)).first() is None:
        connection.execute(_generation.insert().values(id=1, value=1))
    elif added:
        connection.execute(_generation.update().where(_generation.c.id == 1).values(value=_generation.c.value + 1))
    return added


def rewrite_stored_versions(connection: Connection, to_version: int = SCHEMA_VERSION, steps: dict | None = None) -> int:
    """Rewrite every stored version of an older schema into *to_version* (a release's data migration);
    each must validate afterwards. Return how many were rewritten."""
    rows = connection.execute(
        sa.select(_versions.c.id, _versions.c.content, _versions.c.schema_version).where(
            _versions.c.schema_version < to_version
        )
    ).all()
    for row_id, content, schema in rows:
        raw = upgrade_raw(tomllib.loads(content), schema, to_version, steps)
        text = policy_text(parse_policy(_toml(raw), f"policy_version {row_id}"))
        connection.execute(
            _versions.update()
            .where(_versions.c.id == row_id)
            .values(content=text, content_hash=content_hash(text), schema_version=to_version)
        )
    if rows:
        connection.execute(_generation.update().where(_generation.c.id == 1).values(value=_generation.c.value + 1))
    return len(rows)


def _toml(raw: dict) -> str:
    import tomli_w

    return tomli_w.dumps(raw)


def create_schema() -> None:
    """Create every table from the models and seed the shipped versions (tests and benchmarks; an
    install runs the migrations, which seed the same way)."""
    from ..extensions import db

    db.create_all()
    with db.engine.begin() as connection:
        seed_shipped_versions(connection)
