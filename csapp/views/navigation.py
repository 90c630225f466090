"""The top navigation of each role (UI.md): only what the person may use."""

from __future__ import annotations

from flask import url_for


def navigation(user) -> list[tuple[str, str]]:
    """Return (label, url) pairs for the user's roles; queue counts are live."""
    from ..models import ApplicationStatus
    from ..services.promotion import queue_count

    items: list[tuple[str, str]] = []

    def add(label: str, endpoint: str) -> None:
        entry = (label, url_for(endpoint))
        if entry not in items:
            items.append(entry)

    add("待办", "home.index")
    if user.employee_id and user.has("agent"):
        add("我的成绩", "agent.my_scores")
        add("我的工资", "agent.my_pay")
        add("我的晋升", "promotions.mine")
        add("我的通知书", "notices.mine")
    if user.has("supervisor"):
        add("成绩录入", "entry.grid")
        add("事件登记", "events.incidents")
        add("质检抽样", "events.qa")
        add("排名", "ranking.ranking")
    if user.has("dept_head"):
        add(f"待面谈 ({queue_count(user, ApplicationStatus.SUBMITTED)})", "promotions.interviews")
        add("主管/专员考核", "reviews.index")
    if user.has("hr"):
        add(f"待评定 ({queue_count(user, ApplicationStatus.INTERVIEWED)})", "promotions.decisions")
        add("工资核算", "pay.sheet")
        add("通知书", "notices.index")
        add("成绩录入", "entry.grid")
        add("排名", "ranking.ranking")
        add("员工档案", "staff.index")
        add("审计日志", "audit_log.index")
    if user.has("admin"):
        add("用户与角色", "admin.users")
        add("系统设置", "admin.settings")
    add("政策", "policy_page.index")
    add("验证通知书", "notices.verify")
    return items
