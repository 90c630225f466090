"""班组: the grid, 事件登记 and 质检抽样 open on the supervisor's own team; ranks stay department-wide."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import MONTH

from csapp.extensions import db
from csapp.models import Team, TeamMembership
from csapp.services import teams
from csapp.services.errors import BadRequest, Forbidden, ServiceError
from csapp.services.kpi import department_kpi


@pytest.fixture()
def two_teams(org):
    a1, a2, a3 = org["agents"]
    own = Team(department=org["main"], name="一组", leader=org["sup"])
    other = Team(department=org["main"], name="二组")
    db.session.add_all([own, other])
    for person, team in ((a1, own), (a2, other), (a3, other)):
        person.memberships.append(TeamMembership(team=team, effective_on=dt.date(2024, 1, 1)))
    db.session.commit()
    return own, other


def test_the_supervisor_sees_their_own_team_and_can_pick_another(db_app, login, org, two_teams):
    own, other = two_teams
    a1, a2, _ = org["agents"]
    client = login("sup")
    page = client.get(f"/entry?month={MONTH}").data.decode()
    assert f'id="row-{a1.id}"' in page and f'id="row-{a2.id}"' not in page and "一组" in page
    assert "排名与平均按全部门" in page
    everyone = client.get(f"/entry?month={MONTH}&team=all").data.decode()
    assert f'id="row-{a1.id}"' in everyone and f'id="row-{a2.id}"' in everyone
    theirs = client.get(f"/entry?month={MONTH}&team={other.id}").data.decode()
    assert f'id="row-{a1.id}"' not in theirs and f'id="row-{a2.id}"' in theirs
    assert client.get(f"/entry?month={MONTH}&team=abc").status_code == 400
    incidents = client.get(f"/events/incidents?month={MONTH}").data.decode()
    assert "张三" in incidents and "李四" not in incidents
    picker = client.get(f"/events/qa?month={MONTH}").data.decode()
    assert "张三" in picker and "李四" not in picker
    assert "张三" in login("hr").get(f"/entry?month={MONTH}").data.decode()  # HR leads no team: all of them


def test_ranks_stay_department_wide_whatever_team_is_shown(org, two_teams):
    kpi = department_kpi(org["main"].id, MONTH)
    assert [r.score.production_rank for r in kpi.rows] == [1, 2, 3]
    assert len(teams.members([r.employee for r in kpi.rows], two_teams[0], MONTH)) == 1


def test_a_team_move_is_dated_and_audited(org, two_teams):
    own, other = two_teams
    hr, a1 = org["users"]["hr"], org["agents"][0]
    teams.assign(hr, a1.id, other.id, dt.date(2026, 11, 1), "调班")
    assert a1.team_in("2026-10").id == own.id and a1.team_in("2026-11").id == other.id
    with pytest.raises(Forbidden):
        teams.assign(org["users"]["supervisor"], a1.id, own.id, dt.date(2026, 11, 1))
    db.session.rollback()
    foreign = Team(department=org["other"], name="外组")
    db.session.add(foreign)
    db.session.commit()
    with pytest.raises(ServiceError, match="本部门的班组"):
        teams.assign(hr, a1.id, foreign.id, dt.date(2026, 11, 1))
    db.session.rollback()
    with pytest.raises(BadRequest):
        teams.pick_team(hr, org["main"].id, str(foreign.id))


def test_hr_moves_someone_from_the_person_page(db_app, login, org, two_teams):
    own, other = two_teams
    a1 = org["agents"][0]
    client = login("hr")
    assert "当前班组:一组" in client.get(f"/staff/{a1.id}").data.decode()
    done = client.post(f"/staff/{a1.id}/team", data={"team": other.id, "effective_on": "2026-01-01", "reason": "x"})
    assert done.status_code == 303
    assert "当前班组:二组" in client.get(f"/staff/{a1.id}").data.decode()
    bad = client.post(f"/staff/{a1.id}/team", data={"team": "", "effective_on": "2026-01-01"})
    assert bad.status_code == 422 and "请选择班组" in bad.data.decode()
