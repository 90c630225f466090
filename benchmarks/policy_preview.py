"""The impact preview of a policy draft (issue 15): a 3-month preview of a 300-agent department, beside the
same job with a draft equal to the published version (the floor, measured in the same run).

Run alone with ``python benchmarks/policy_preview.py``; ``make bench`` runs it from run.py.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

MONTHS = ["2026-08", "2026-09", "2026-10"]
AGENTS = 300


def measure(rounds: int = 3) -> tuple[float, float, int]:
    """(seconds with the changed draft, seconds with an unchanged draft, people the change moves)."""
    from scale_data import build_department

    from csapp import create_app
    from csapp.extensions import db
    from csapp.policy.parameters import policy_for
    from csapp.services import policy_preview
    from csapp.services.policy_book import policy_book
    from csapp.services.policy_seed import create_schema

    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {"SECRET_KEY": "bench", "TODAY": "2026-11-20", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'p.sqlite'}"}
    )
    with app.app_context():
        create_schema()
        build_department(AGENTS, MONTHS[-1], months=12)
        db.session.commit()
        published = policy_for(MONTHS[-1], policy_book())
        item = published.kpi.items["connection"].model_copy(update={"target_rate": Decimal("99")})
        items = {**published.kpi.items, "connection": item}
        changed = published.model_copy(
            update={"version": "bench-draft", "kpi": published.kpi.model_copy(update={"items": items})}
        )
        same = published.model_copy(update={"version": "bench-same"})
        times: dict[str, list[float]] = {"changed": [], "same": []}
        moved = 0
        for _ in range(rounds):
            for name, draft in (("same", same), ("changed", changed)):
                started = time.perf_counter()
                result = policy_preview.compute(draft, MONTHS)
                times[name].append(time.perf_counter() - started)
                db.session.rollback()
                if name == "changed":
                    moved = result["totals"]["company"]["affected"]
        db.engine.dispose()
    return statistics.median(times["changed"]), statistics.median(times["same"]), moved


def preview_report(report) -> None:
    changed, same, moved = measure()
    report(f"policy_preview_{AGENTS}_agents_3_months_s", changed, same, 2.5, "s")
    print(f"      (preview: {moved} people change under the draft; the unchanged draft took {same:.2f} s)")


if __name__ == "__main__":
    from run import report

    preview_report(report)
