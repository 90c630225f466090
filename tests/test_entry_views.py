"""The grid page and its htmx endpoints: partials, out-of-band totals, inline errors."""

from __future__ import annotations

from factories import MONTH


def test_grid_page_and_partial_vary_on_hx_request(db_app, login):
    client = login("sup")
    page = client.get(f"/entry?month={MONTH}")
    assert page.status_code == 200 and "HX-Request" in page.headers["Vary"]
    html = page.data.decode()
    assert "<h1>成绩录入 · 客服部 · 2026-10</h1>" in html and "hx-headers=" in html
    partial = client.get(f"/entry?month={MONTH}", headers={"HX-Request": "true"}).data.decode()
    assert "<html" not in partial and 'id="grid-area"' in partial


def test_saving_a_cell_returns_the_cell_and_updated_totals(db_app, login, org):
    a2 = org["agents"][1]
    response = login("sup").post(
        "/entry/cell",
        data={
            "sheet": "metrics",
            "month": MONTH,
            "employee_id": a2.id,
            "field": "production",
            "value": "1500",
            "expected": "1000",
        },
        headers={"HX-Request": "true"},
    )
    html = response.data.decode()
    assert response.status_code == 200
    assert f'id="cell-{a2.id}-production"' in html and 'value="1500"' in html
    assert f'<span id="c-{a2.id}-prodrank" hx-swap-oob="true">1</span>' in html
    assert "&#34;expected&#34;: &#34;1500&#34;" in html or '"expected": "1500"' in html  # the next save expects 1500
    assert 'id="dept-summary" class="summary" aria-live="polite" hx-swap-oob="true"' in html


def test_a_bad_value_shows_an_inline_error_and_keeps_what_was_typed(db_app, login, org):
    a1 = org["agents"][0]
    html = (
        login("sup")
        .post(
            "/entry/cell",
            data={
                "sheet": "metrics",
                "month": MONTH,
                "employee_id": a1.id,
                "field": "im_unprocessed",
                "value": "两个",
                "expected": "0",
            },
        )
        .data.decode()
    )
    assert "“未处理环信”须填数字,不能是“两个”。" in html and 'value="两个"' in html and 'aria-invalid="true"' in html


def test_a_field_changed_meanwhile_shows_the_current_value_and_a_409(db_app, login, org):
    a1 = org["agents"][0]
    client = login("sup")
    form = {"sheet": "metrics", "month": MONTH, "employee_id": a1.id, "field": "production", "expected": "1200"}
    client.post("/entry/cell", data={**form, "value": "1300"})
    response = login("head").post("/entry/cell", data={**form, "value": "1250"})
    html = response.data.decode()
    assert response.status_code == 409
    assert "当前值为 1300" in html and 'value="1300"' in html


def test_agent_page_explains_each_deduction(db_app, login):
    html = login("agent2").get(f"/me/scores?month={MONTH}").data.decode()
    assert "我的成绩 · 李四(A002)· 2026-10" in html
    assert "不高于部门平均" in html and "近 12 个月总分" in html and "<svg" in html


def test_hr_switches_department_on_the_month_picker(db_app, login, org):
    hr = login("hr").get(f"/entry?month={MONTH}").data.decode()
    assert 'id="dept-input"' in hr and "售后部" in hr
    other = login("hr").get(f"/entry?month={MONTH}&dept={org['other'].id}").data.decode()
    assert "成绩录入 · 售后部 · 2026-10" in other
    assert 'id="dept-input"' not in login("sup").get(f"/entry?month={MONTH}").data.decode()


def test_star_titles_show_on_the_ranking_and_the_grid(db_app, login):
    client = login("sup")
    ranking = client.get(f"/ranking?month={MONTH}").data.decode()
    assert '<span class="badge">产量明星</span>' in ranking and '<span class="badge">质检明星</span>' in ranking
    assert '<span class="badge">产量明星</span>' in client.get(f"/entry?month={MONTH}").data.decode()


def test_a_save_for_nobody_or_no_sheet_is_refused_in_chinese_and_changes_nothing(db_app, login, org):
    from csapp.extensions import db
    from csapp.models import AuditEntry

    client = login("sup")
    audits = db.session.query(AuditEntry).count()
    for data, message in (
        ({"sheet": "metrics", "employee_id": "999999"}, "没有这名员工"),
        ({"sheet": "nosuch", "employee_id": str(org["agents"][1].id)}, "没有这张表"),
    ):
        response = client.post(
            "/entry/cell",
            data={"month": MONTH, "field": "production", "value": "1500", "expected": "1000", **data},
            headers={"HX-Request": "true"},
        )
        assert 400 <= response.status_code < 500 and message in response.data.decode(), response.data[:300]
    assert db.session.query(AuditEntry).count() == audits
