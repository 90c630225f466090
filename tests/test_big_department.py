"""A department of 250 agents on screen: one team at a time, 100 ranks a page, a save sends what changed,
exports stream (issue 12)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from scale_data import PASSWORD, build_department
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import AgentMonth, Employee, Team
from csapp.services import kpi as kpi_service

MONTH = "2026-10"


@pytest.fixture(scope="module", params=["sqlite", "pg"])
def big(request, tmp_path_factory, pki_dir):
    from conftest import _test_app

    url = None
    if request.param == "pg":
        url = request.getfixturevalue("postgres").fresh("big_department")
    app = _test_app(tmp_path_factory.mktemp("big") / "big.sqlite", pki_dir, url, TODAY="2026-11-20")
    with app.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        ids = build_department(250, MONTH, months=1)
        sup1 = db.session.scalar(db.select(Employee.id).where(Employee.code == "S0000"))
        db.session.get(Team, ids["teams"][1]).leader_id = sup1  # sup1 leads the second team
        db.session.commit()
    app.ids = ids
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _client(app, username: str):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 303
    return client


def test_the_ranking_pages_100_rows_with_department_wide_ranks(big):
    hr = _client(big, "hr")
    with big.app_context():
        whole = kpi_service.department_kpi(big.ids["department"], MONTH)
        totals = sorted((r.score.total for r in whole.scored_rows), reverse=True)
    pages = [hr.get(f"/ranking?month={MONTH}&page={page}").data.decode() for page in (1, 2, 3)]
    ranks = [[int(r) for r in re.findall(r'<td class="num">(\d+)</td>\s*<th scope="row">', html)] for html in pages]
    assert [len(r) for r in ranks] == [100, 100, 50]
    assert ranks[0][0] == 1 and ranks[2][-1] == 1 + sum(1 for t in totals if t > totals[-1])
    assert all(a <= b for a, b in zip(ranks[0] + ranks[1] + ranks[2], (ranks[0] + ranks[1] + ranks[2])[1:]))
    assert "第 2 / 3 页 · 共 250 人" in pages[1] and "下一页" in pages[1] and "上一页" in pages[1]
    assert hr.get(f"/ranking?month={MONTH}&page=4").status_code == 404
    assert "页码" in hr.get(f"/ranking?month={MONTH}&page=x").data.decode()


def test_the_grid_shows_one_team_the_own_one_for_a_supervisor_the_first_for_hr(big):
    grid = _client(big, "hr").get(f"/entry?month={MONTH}").data.decode()
    rows = set(re.findall(r'<tr id="row-(\d+)"', grid))
    assert len(rows) == 30  # the first team's 30 agents, not the 250
    assert "全部班组" not in grid  # a department this big is never shown whole
    own = _client(big, "sup1").get(f"/entry?month={MONTH}").data.decode()
    with big.app_context():
        team = db.session.get(Team, big.ids["teams"][1])
        assert f'value="{team.id}" selected' in own
    assert _client(big, "hr").get(f"/entry?month={MONTH}&team=all").status_code == 200


def test_a_cell_save_sends_only_the_rows_whose_computed_cells_changed(big):
    supervisor = _client(big, "sup1")
    supervisor.get(f"/entry?month={MONTH}")  # the results of the version shown are stored
    with big.app_context():
        team = db.session.get(Team, big.ids["teams"][1])
        agent = next(e for e in big.ids["agents"] if db.session.get(Employee, e).team_in(MONTH).id == team.id)
        seen = db.session.scalar(
            select(AgentMonth.discipline).where(AgentMonth.employee_id == agent, AgentMonth.month == MONTH)
        )
        assert seen != 1
    response = supervisor.post(
        f"/entry/cell?month={MONTH}&team={big.ids['teams'][1]}",
        data={"sheet": "metrics", "employee_id": agent, "field": "discipline", "value": "1", "expected": str(seen)},
        headers={"HX-Request": "true"},
    )
    html = response.data.decode()
    assert response.status_code == 200 and len(response.data) < 10_000
    swapped = set(re.findall(r'id="c-(\d+)-', html))
    assert swapped == {str(agent)}  # a counted item moves only that agent's total: one row sent


def _computed_cells(html: str) -> dict[tuple[str, str], str]:
    """Every computed cell in a page or a save's response: (employee id, key) → its content."""
    found = re.findall(r'<span id="c-(\d+)-(\w+)"(?: hx-swap-oob="true")?>(.*?)</span>', html, re.S)
    return {(who, key): " ".join(body.split()) for who, key, body in found}


def test_a_save_that_moves_ranks_sends_exactly_the_rows_that_moved_on_screen(big):
    supervisor = _client(big, "sup1")
    team = big.ids["teams"][1]
    grid = f"/entry?month={MONTH}&team={team}"
    with big.app_context():
        agents = [e for e in big.ids["agents"] if db.session.get(Employee, e).team_in(MONTH).id == team]
        productions = dict(
            db.session.execute(
                select(AgentMonth.employee_id, AgentMonth.production).where(
                    AgentMonth.employee_id.in_(agents), AgentMonth.month == MONTH
                )
            ).all()
        )
    agent = min(agents, key=lambda a: productions[a])  # from the team's last to the department's first
    for value in ("9999", str(productions[agent])):
        before = _computed_cells(supervisor.get(grid).data.decode())
        response = supervisor.post(
            f"/entry/cell?month={MONTH}&team={team}",
            data={"sheet": "metrics", "employee_id": agent, "field": "production", "value": value,
                  "expected": str(productions[agent]) if value == "9999" else "9999", "confirm": "1"},
            headers={"HX-Request": "true"},
        )  # fmt: skip
        assert response.status_code == 200
        sent = _computed_cells(response.data.decode())
        after = _computed_cells(supervisor.get(grid).data.decode())
        moved = {who for (who, key), body in after.items() if before[who, key] != body}
        assert len(moved) > 3  # production ranks moved on this team
        assert {who for who, _ in sent} == moved | {str(agent)}
        assert all(after[cell] == body for cell, body in sent.items())  # what was sent is what the grid shows


def test_the_exports_stream_a_workbook_with_every_scored_agent(big):
    hr = _client(big, "hr")
    response = hr.get(f"/ranking.xlsx?month={MONTH}")
    assert response.status_code == 200 and response.is_streamed
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["排名", "说明"]
    assert book["排名"].max_row == 2 + 250 and book["排名"]["A3"].value == 1
    assert hr.post(f"/pay?month={MONTH}").status_code == 303
    pay = hr.get(f"/pay.xlsx?month={MONTH}")
    assert pay.is_streamed
    sheet = load_workbook(io.BytesIO(pay.data))["工资表"]
    assert sheet.max_row == 3 + 250 + 9 + 1  # title rows and header, agents and their nine supervisors, totals


def test_the_pay_sheet_pages_100_slips_with_the_runs_totals(big):
    hr = _client(big, "hr")
    assert hr.post(f"/pay?month={MONTH}").status_code == 303
    with big.app_context():
        from csapp.models import PayRun

        run = db.session.scalar(select(PayRun).where(PayRun.month == MONTH))
        slips = sorted(run.slips, key=lambda s: s.id)
        count, gross = len(slips), sum(s.gross for s in slips)
        codes = [s.employee.code for s in slips]
        db.session.remove()
    assert count > 200
    first = hr.get(f"/pay?month={MONTH}").data.decode()
    rows = re.findall(r"<tr><td>([AS]\d+)</td>", first)
    assert rows == codes[:100]  # one page, in the order computed
    assert f"{count} 人 · 应发合计 ¥{gross:,.2f}" in first and f"共 {count} 人" in first
    last_page = -(-count // 100)
    last = hr.get(f"/pay?month={MONTH}&page={last_page}").data.decode()
    assert re.findall(r"<tr><td>([AS]\d+)</td>", last) == codes[(last_page - 1) * 100 :]
    missing = hr.get(f"/pay?month={MONTH}&page={last_page + 1}")
    assert missing.status_code == 404 and "没有第" in missing.data.decode()
