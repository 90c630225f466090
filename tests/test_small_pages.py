"""The smaller page fixes of the daily-jobs issue: success messages, the QA overview, the favicon, headers."""

from __future__ import annotations

from factories import MONTH


def test_adding_an_incident_says_what_was_recorded(db_app, login, org):
    response = login("sup").post(
        f"/events/incidents?month={MONTH}",
        data={"person": org["agents"][0].id, "kind": "work_error", "occurred_on": "2026-10-03", "note": ""},
        headers={"HX-Request": "true"},
    )
    html = response.data.decode()
    assert response.status_code == 200 and '<p class="flash" role="status">已登记:' in html and "2026-10-03" in html


def test_the_qa_overview_counts_and_averages_each_agents_samples(db_app, login, org):
    page = login("sup").get(f"/events/qa?month={MONTH}&team=all").data.decode()
    rows = page[page.index("<tbody>") :]
    assert "2 / 5" in rows and "97.00" in rows  # 张三: 98 and 96
    assert "1 / 5" in rows and "90.00" in rows  # 李四


def test_the_favicon_is_found_where_browsers_look(db_app):
    response = db_app.test_client().get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith("/static/favicon.svg")


def test_no_table_has_an_empty_column_header(db_app, login, org):
    import re

    for user, url in (("agent", "/me/promotion"), ("agent", "/me/notices"), ("hr", "/staff")):
        page = login(user).get(url).data.decode()
        assert not re.search(r"<th[^>]*>\s*</th>", page), url


def test_a_locked_month_offers_no_import_and_its_fields_are_read_only(db_app, login, org):
    from csapp.services import month_lock

    month_lock.lock(org["users"]["supervisor"], org["main"].id, MONTH)
    page = login("sup").get(f"/entry?month={MONTH}").data.decode()
    assert "导入 Excel/CSV" not in page and "已锁定" in page
    assert f'id="in-{org["agents"][0].id}-production"' in page
    cell = page[page.index(f'id="in-{org["agents"][0].id}-production"') :][:1200]
    assert "readonly" in cell
