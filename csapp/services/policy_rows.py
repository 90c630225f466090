"""The list tables of a draft: rows added (a new allowance, deduction kind, incident type, soft limit) and
removed; the keys the code refers to may only be renamed."""

from __future__ import annotations

from decimal import Decimal

from ..db import writes
from ..models import PolicyVersion, User
from .errors import NotFound, ServiceError
from .policy_drafts import raw_of, require_admin, save_raw, version

ROW_TABLES: dict[str, tuple[str, ...]] = {  # list tables whose rows may be added and removed
    "allowance_names": ("pay", "allowance_names"),
    "deduction_kinds": ("pay", "deduction_kinds"),
    "incidents": ("kpi", "incidents"),
    "soft_limits": ("soft_limits",),
}


def _table(raw: dict, table: str) -> dict:
    if table not in ROW_TABLES:
        raise ServiceError("这张表不能增删行。")
    node = raw
    for part in ROW_TABLES[table]:
        node = node.setdefault(part, {})
    return node


@writes
def add_row(
    user: User, version_id: int, table: str, name: str, amount: Decimal | None, key: str | None = None
) -> PolicyVersion:
    """Add a row to a list table (a new allowance, deduction kind, incident type, or soft limit)."""
    require_admin(user)
    row = version(version_id)
    raw = raw_of(row)
    rows = _table(raw, table)
    name = (name or "").strip()
    if table == "soft_limits":
        if not key or key in rows:
            raise ServiceError("请选择一个尚无提醒上限的数据项。", "key")
        if amount is None:
            raise ServiceError("请填写上限。", "amount")
        rows[key] = format(amount, "f")
    else:
        if not name:
            raise ServiceError("请填写名称。", "name")
        key = next(f"custom_{n}" for n in range(1, 1000) if f"custom_{n}" not in rows)
        if table == "incidents":
            if amount is None:
                raise ServiceError("请填写分值。", "amount")
            rows[key] = {"name": name, "points": format(amount, "f")}
        else:
            rows[key] = name
    return save_raw(user, row, raw, None, f"新增一行:{name or key}")


@writes
def remove_row(user: User, version_id: int, table: str, key: str) -> PolicyVersion:
    """Remove a row of a list table; the rows the code refers to may only be renamed."""
    require_admin(user)
    row = version(version_id)
    raw = raw_of(row)
    rows = _table(raw, table)
    if key not in rows:
        raise NotFound("这一行已不存在。")
    if key in protected_keys(table):
        raise ServiceError("这一项是系统计算所依据的项目,只能改名,不能删除。")
    removed = rows.pop(key)
    return save_raw(user, row, raw, None, f"删除一行:{removed['name'] if isinstance(removed, dict) else removed}")


def protected_keys(table: str) -> tuple[str, ...]:
    """The keys of *table* the code refers to (from the schema's ``protected``)."""
    from ..policy.schema import Kpi

    if table == "incidents":
        return tuple((Kpi.model_fields["incidents"].json_schema_extra or {}).get("protected", ()))
    return ()
