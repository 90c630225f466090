"""排名: the department-month ranking with every item, and its XLSX export."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import current_user, login_required

from ..policy.kpi import competition_ranks
from ..services.access import require
from ..services.exports import kpi_workbook
from ..services.kpi import department_kpi
from .common import department_arg, htmx_render, month_arg, month_nav

bp = Blueprint("ranking", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/ranking")
@login_required
def ranking():
    require(current_user, "supervisor", "hr")
    department = department_arg()
    month = month_arg()
    kpi = department_kpi(department.id, month)
    rows = sorted(kpi.scored_rows, key=lambda r: (-r.score.total, r.employee.code))
    ranks = competition_ranks([r.score.total for r in rows])
    return htmx_render(
        "ranking/ranking.html",
        "ranking/_table.html",
        department=department,
        kpi=kpi,
        rows=list(zip(ranks, rows)),
        **month_nav(month),
    )


@bp.get("/ranking.xlsx")
@login_required
def export():
    require(current_user, "supervisor", "hr")
    department = department_arg()
    month = month_arg()
    data = kpi_workbook(department_kpi(department.id, month), department.name)
    filename = f"kpi-{department.id}-{month}.xlsx"
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={filename}"})
