"""主管/专员考核 (D11): item scores of specialists, supervisors and managers, their mean."""

from __future__ import annotations

from decimal import Decimal

import pytest
from factories import MONTH

from csapp.services import reviewed
from csapp.services.errors import Forbidden, ServiceError


def test_the_months_score_is_the_mean_of_every_item(org):
    head, spec, sup = org["users"]["dept_head"], org["spec"], org["sup"]
    reviewed.save_score(head, spec.id, MONTH, "综合评分", Decimal("97.5"))
    assert reviewed.reviewed_kpi(spec, MONTH).score == Decimal("97.5")
    items = reviewed.items_for("sup", MONTH)
    for index, item in enumerate(items[:-1]):
        reviewed.save_score(head, sup.id, MONTH, item, Decimal(90 + index % 3))
    pending = reviewed.reviewed_kpi(sup, MONTH)
    assert pending.score is None and items[-1] in pending.explanation
    reviewed.save_score(head, sup.id, MONTH, items[-1], Decimal("100"))
    scores = [Decimal(90 + i % 3) for i in range(len(items) - 1)] + [Decimal(100)]
    done = reviewed.reviewed_kpi(sup, MONTH)
    assert done.score == sum(scores) / len(scores) and "等权平均" in done.explanation


def test_reviewed_scores_refusals(org):
    head = org["users"]["dept_head"]
    with pytest.raises(Forbidden):
        reviewed.save_score(org["users"]["supervisor"], org["spec"].id, MONTH, "综合评分", Decimal("90"))
    with pytest.raises(ServiceError, match="按公式计算"):
        reviewed.save_score(head, org["agents"][0].id, MONTH, "综合评分", Decimal("90"))
    with pytest.raises(ServiceError, match="没有这个考核项"):
        reviewed.save_score(head, org["spec"].id, MONTH, "颜值", Decimal("90"))
    with pytest.raises(ServiceError, match="不能超过 100"):
        reviewed.save_score(head, org["spec"].id, MONTH, "综合评分", Decimal("101"))


def test_reviews_page_saves_with_htmx(db_app, login, org):
    client = login("head")
    html = client.post(
        f"/reviews?month={MONTH}",
        headers={"HX-Request": "true"},
        data={"employee_id": org["spec"].id, "item": "综合评分", "value": "96"},
    ).data.decode()
    assert 'id="review-tables"' in html and "96.00" in html


def test_a_specialist_sees_the_reviewed_score_on_my_scores(db_app, login, org):
    from factories import user

    from csapp.extensions import db

    user("spec", ["agent"], org["spec"])
    db.session.commit()
    reviewed.save_score(org["users"]["dept_head"], org["spec"].id, MONTH, "综合评分", Decimal("97"))
    page = login("spec").get(f"/me/scores?month={MONTH}").data.decode()
    assert "本月得分 <strong>97.00</strong> 分" in page and "近 12 个月总分" in page
