"""Every route × every role → the expected status; agents see only their own data."""

from __future__ import annotations

import pytest

ROLES = ["anonymous", "agent", "supervisor", "dept_head", "hr", "admin"]
# route → statuses for the roles in ROLES order. {a1} is the agent's own id, {far} another department's agent.
MATRIX = [
    ("/", [302, 200, 200, 200, 200, 200]),
    ("/todo", [302, 200, 200, 200, 200, 200]),
    ("/policy", [302, 200, 200, 200, 200, 200]),
    ("/password", [302, 200, 200, 200, 200, 200]),
    ("/me/scores", [302, 200, 200, 200, 404, 404]),
    ("/employees/{a1}/scores", [302, 200, 200, 200, 200, 403]),
    ("/employees/{a2}/scores", [302, 403, 200, 200, 200, 403]),
    ("/employees/{far}/scores", [302, 403, 403, 403, 200, 403]),
    ("/entry", [302, 403, 200, 200, 200, 403]),
    ("/entry?sheet=attendance", [302, 403, 200, 200, 200, 403]),
    ("/entry?sheet=specialist", [302, 403, 200, 200, 200, 403]),
    ("/ranking", [302, 403, 200, 200, 200, 403]),
    ("/ranking.xlsx", [302, 403, 200, 200, 200, 403]),
    ("/events/incidents", [302, 403, 200, 200, 200, 403]),
    ("/events/qa", [302, 403, 200, 200, 200, 403]),
    ("/events/qa?employee_id={a1}", [302, 403, 200, 200, 200, 403]),
    ("/events/qa?employee_id={far}", [302, 403, 403, 403, 200, 403]),
    ("/import", [302, 403, 200, 200, 200, 403]),
    ("/import/template.xlsx", [302, 403, 200, 200, 200, 403]),
    ("/audit", [302, 403, 403, 403, 200, 200]),
    ("/admin/users", [302, 403, 403, 403, 403, 200]),
    ("/me/promotion", [302, 200, 200, 200, 404, 404]),
    ("/promotions/interviews", [302, 403, 403, 200, 403, 403]),
    ("/promotions/decisions", [302, 403, 403, 403, 200, 403]),
    ("/promotions/999", [302, 404, 404, 404, 404, 404]),
    ("/staff", [302, 403, 403, 403, 200, 403]),
    ("/staff/{a1}", [302, 403, 403, 403, 200, 403]),
    ("/reviews", [302, 403, 403, 200, 200, 403]),
    ("/entry?sheet=leader", [302, 403, 200, 200, 200, 403]),
    ("/pay", [302, 403, 403, 403, 200, 403]),
    ("/notices", [302, 403, 403, 403, 200, 403]),
    ("/notices/batch/1", [302, 403, 403, 403, 404, 403]),
    ("/notices/1.pdf", [302, 404, 404, 404, 404, 404]),
    ("/me/pay", [302, 200, 200, 200, 404, 404]),
    ("/me/notices", [302, 200, 200, 200, 404, 404]),
    ("/verify", [302, 200, 200, 200, 200, 200]),
    ("/admin/settings", [302, 403, 403, 403, 403, 200]),
]
USERNAMES = {"agent": "agent", "supervisor": "sup", "dept_head": "head", "hr": "hr", "admin": "admin"}


@pytest.mark.parametrize("route, statuses", MATRIX, ids=[m[0] for m in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(db_app, login, org, role, route, statuses):
    url = route.format(a1=org["agents"][0].id, a2=org["agents"][1].id, far=org["far_agent"].id)
    client = db_app.test_client() if role == "anonymous" else login(USERNAMES[role])
    response = client.get(url)
    assert response.status_code == statuses[ROLES.index(role)], response.data.decode()[:300]


POSTS = [
    (
        "/entry/cell?month=2026-10",
        {"sheet": "metrics", "employee_id": "{a1}", "field": "production", "value": "5", "expected": "1200"},
    ),
    ("/events/incidents?month=2026-10", {"person": "{a1}", "kind": "work_error", "occurred_on": "2026-10-03"}),
    ("/entry/lock?month=2026-10", {}),
    ("/pay?month=2026-10", {}),
    ("/notices/batch?month=2026-10", {"kind": "pay"}),
    ("/reviews?month=2026-10", {"employee_id": "{a1}", "item": "综合表现", "value": "90"}),
]


@pytest.mark.parametrize("route, data", POSTS, ids=[p[0] for p in POSTS])
def test_agents_cannot_write(db_app, login, org, route, data):
    form = {k: v.format(a1=org["agents"][0].id) for k, v in data.items()}
    response = login("agent").post(route, data=form)
    assert response.status_code == 403


def test_other_departments_supervisor_cannot_write_here(db_app, login, org):
    form = {
        "sheet": "metrics",
        "employee_id": str(org["agents"][0].id),
        "field": "production",
        "value": "5",
        "expected": "1200",
    }
    assert login("farsup").post(f"/entry/cell?dept={org['main'].id}&month=2026-10", data=form).status_code == 403


def test_bad_month_in_url_is_a_clear_message(db_app, login):
    response = login("sup").get("/entry?month=2026-13")
    assert response.status_code == 400
    assert "月份“2026-13”无效" in response.data.decode()
