"""排名: the department-month ranking with every item, and its XLSX export."""

from __future__ import annotations

from flask import Blueprint, Response, stream_with_context
from flask_login import current_user, login_required

from ..services import audit
from ..services.access import require
from ..services.errors import NotFound
from ..services.exports import kpi_workbook, workbook_chunks
from ..services.kpi import department_kpi
from ..services.ranking import ranking as ranking_service
from .common import department_arg, htmx_render, month_arg, month_nav, page_arg

bp = Blueprint("ranking", __name__)
PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/ranking")
@login_required
def ranking():
    require(current_user, "supervisor", "hr")
    department = department_arg()
    month = month_arg()
    page = page_arg()
    board = ranking_service(department.id, month, page, PER_PAGE)
    if page > board.pages:
        raise NotFound(f"排名共 {board.pages} 页,没有第 {page} 页。")
    return htmx_render(
        "ranking/ranking.html",
        "ranking/_table.html",
        department=department,
        board=board,
        **month_nav(month),
    )


@bp.get("/ranking.xlsx")
@login_required
def export():
    require(current_user, "supervisor", "hr")
    department = department_arg()
    month = month_arg()
    audit.downloaded(current_user, "export.ranking", f"{department.name} {month} 排名", month)
    book = kpi_workbook(department_kpi(department.id, month), department.name)
    filename = f"kpi-{department.id}-{month}.xlsx"
    return Response(
        stream_with_context(workbook_chunks(book)),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
