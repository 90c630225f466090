"""No query per person: each main page and computation runs the same number of SQL statements for a
department of 30 agents as for one of 120 (issue 12)."""

from __future__ import annotations

import pytest
from scale_data import PASSWORD, build_department
from sqlalchemy import event, select

from csapp.extensions import db
from csapp.models import AgentMonth

MONTH = "2026-10"


def _statements(tmp_path_factory, pki_dir, agents: int, url: str | None = None) -> dict[str, list[int]]:
    from conftest import _test_app

    folder = tmp_path_factory.mktemp(f"scale{agents}")
    app = _test_app(folder / "scale.sqlite", pki_dir, url, TODAY="2026-11-20")
    counted = [0]
    with app.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        ids = build_department(agents, MONTH, months=1)
        shown = [
            str(
                db.session.scalar(
                    select(AgentMonth.production).where(
                        AgentMonth.employee_id == ids["agents"][3], AgentMonth.month == MONTH
                    )
                )
            )
        ]
        event.listen(db.engine, "before_cursor_execute", lambda *args: counted.__setitem__(0, counted[0] + 1))

    def login(username: str):
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 303
        return client

    agent, supervisor, hr = login("agent1"), login("sup1"), login("hr")
    values = iter([2999, 1] * 50)  # from first to last and back: every other agent's rank moves, at both sizes

    def save_one():
        value = str(next(values))
        response = supervisor.post(
            f"/entry/cell?month={MONTH}&team={team}",
            data={"sheet": "metrics", "employee_id": ids["agents"][3], "field": "production", "value": value,
                  "expected": shown[0]},
            headers={"HX-Request": "true"},
        )  # fmt: skip
        shown[0] = value  # the next save expects what this one stored
        return response

    team = ids["teams"][0]  # one team's grid at both sizes (a big department is only shown by team)
    requests = {
        "我的成绩": lambda: agent.get(f"/me/scores?month={MONTH}"),
        "晋升预检": lambda: agent.get("/me/promotion"),
        "成绩录入": lambda: supervisor.get(f"/entry?month={MONTH}&team={team}"),
        "保存一格": save_one,
        "排名": lambda: hr.get(f"/ranking?month={MONTH}"),
        "排名导出": lambda: hr.get(f"/ranking.xlsx?month={MONTH}"),
        "工资核算": lambda: hr.post(f"/pay?month={MONTH}"),
        "工资表": lambda: hr.get(f"/pay?month={MONTH}"),
        "工资导出": lambda: hr.get(f"/pay.xlsx?month={MONTH}"),
    }
    found = {}
    for name, request in requests.items():
        counts = []
        for _ in range(2):  # the first computes and stores the month's results, the second reads them
            counted[0] = 0
            response = request()
            response.get_data()  # a streamed export is produced while it is read
            response.close()
            assert response.status_code in (200, 303), (name, response.status_code, response.data[:300])
            counts.append(counted[0])
        found[name] = counts
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return found


@pytest.fixture(scope="module", params=["sqlite", "pg"])
def counts(request, tmp_path_factory, pki_dir):
    found = {}
    for agents in (30, 120):
        url = None
        if request.param == "pg":  # a database of its own for each size
            url = request.getfixturevalue("postgres").fresh(f"counts_{agents}")
        found[agents] = _statements(tmp_path_factory, pki_dir, agents, url)
    return found


def test_every_main_page_and_computation_runs_as_many_statements_for_120_agents_as_for_30(counts):
    small, large = counts[30], counts[120]
    assert small["成绩录入"][0] > 5 and small["工资核算"][0] > 5  # the counter saw the requests' statements
    grown = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert grown == {}, f"statements that grow with the department (30 → 120 agents): {grown}"
