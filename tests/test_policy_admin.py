"""Policy administration (issue 15): versions in the database, drafts, four eyes, preview, publishing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from factories import MONTH, user

from csapp.extensions import db
from csapp.models import DepartmentMonth, PolicyGeneration, PolicyStatus, PolicyVersion
from csapp.policy.parameters import PolicyError, parse_policy, policy_for, policy_text, shipped_policies
from csapp.services import policy_book, policy_drafts, policy_preview, policy_publishing, policy_rows
from csapp.services.errors import Conflict, Forbidden, ServiceError
from csapp.services.kpi import department_kpi
from csapp.services.policy_book import policy_book as book

TARGET_RATE = ("kpi", "items", "connection", "target_rate")


@pytest.fixture()
def hr2(org):
    """A second policy admin (HR)."""
    login = user("hr2", ["hr"])
    db.session.commit()
    return login


def _draft(org, effective="2026-12", values=None):
    row = policy_drafts.start_draft(org["users"]["hr"], effective)
    if values:
        row = policy_drafts.save_values(org["users"]["hr"], row.id, values)
    return row


def test_the_book_comes_from_the_database_seeded_with_the_shipped_version(org):
    versions = book()
    assert [p.version for p in versions] == [p.version for p in shipped_policies()]
    assert versions[0] == shipped_policies()[0]
    stored = db.session.scalars(db.select(PolicyVersion)).all()
    assert [(r.label, r.status) for r in stored] == [("default-1", PolicyStatus.PUBLISHED)]


def test_an_empty_table_is_an_error_not_a_fallback(org):
    db.session.execute(db.delete(PolicyVersion))
    db.session.commit()
    policy_book.forget()
    with pytest.raises(PolicyError, match="no policy version is published"):
        book()


def test_policy_for_has_no_default_book():
    with pytest.raises(TypeError):
        policy_for("2026-10")  # type: ignore[call-arg]


def test_a_draft_copies_the_version_in_force_and_records_its_base(org):
    row = _draft(org)
    assert row.status is PolicyStatus.DRAFT
    assert row.base.label == "default-1"
    policy = policy_drafts.policy_of(row)
    assert policy.version == row.label and policy.effective == "2026-12"
    assert policy.kpi == shipped_policies()[0].kpi
    with pytest.raises(Conflict, match="未完成的草稿"):
        policy_drafts.start_draft(org["users"]["hr"], "2026-12")


def test_only_policy_admins_draft(org):
    with pytest.raises(Forbidden):
        policy_drafts.start_draft(org["users"]["supervisor"], "2026-12")


def test_an_invalid_draft_is_refused_with_every_path_and_nothing_changes(org):
    row = _draft(org)
    before = row.content
    bad = {TARGET_RATE: Decimal("-5"), ("pay", "attendance_bonus"): Decimal("-1"), ("promotion", "window_last_day"): 40}
    with pytest.raises(policy_drafts.DraftInvalid) as refused:
        policy_drafts.save_values(org["users"]["hr"], row.id, bad)
    problems = {p.path: (p.label, p.message) for p in refused.value.problems}
    assert problems == {
        TARGET_RATE: ("坐席绩效 › 考核项目 › 400电话接通率 › 达标接通率(%)", "须大于 0"),
        ("pay", "attendance_bonus"): ("工资 › 全勤奖(元)", "须 ≥ 0"),
        ("promotion", "window_last_day"): ("晋升 › 申请窗口末日(日)", "须 ≤ 28"),
    }
    db.session.expire_all()
    assert db.session.get(PolicyVersion, row.id).content == before


def test_the_diff_says_only_what_changed_in_chinese(org):
    from csapp.policy.fields import diff

    row = _draft(org, values={TARGET_RATE: Decimal("97"), ("pay", "allowance_names", "meal"): "午餐补贴"})
    changes = diff(shipped_policies()[0], policy_drafts.policy_of(row))
    assert [(c.label, c.old, c.new) for c in changes] == [
        ("工资 › 补贴项目 › 餐补", "餐补", "午餐补贴"),
        ("坐席绩效 › 考核项目 › 400电话接通率 › 达标接通率(%)", "95", "97"),
    ]


def test_rows_are_added_and_removed_but_protected_keys_stay(org):
    hr = org["users"]["hr"]
    row = _draft(org)
    row = policy_rows.add_row(hr, row.id, "incidents", "迟到早退", Decimal("-1"))
    incidents = policy_drafts.policy_of(row).kpi.incidents
    [(key, added)] = [(k, v) for k, v in incidents.items() if v.name == "迟到早退"]
    assert added.points == Decimal("-1")
    row = policy_rows.remove_row(hr, row.id, "incidents", key)
    assert key not in policy_drafts.policy_of(row).kpi.incidents
    with pytest.raises(ServiceError, match="只能改名"):
        policy_rows.remove_row(hr, row.id, "incidents", "work_error")


def _rules_score(app, tmp_path, policy, month=MONTH):
    """The rules core's score of 客服部's month, run as the `rules score` command with *policy* as a file."""
    path = tmp_path / "policy.toml"
    path.write_text(policy_text(policy), encoding="utf-8")
    from csapp.services.kpi import _agent_input

    kpi = department_kpi(app.org["main"].id, month)
    agents = []
    for row in kpi.rows:
        if row.missing:
            continue
        given = _agent_input(row)
        agents.append(
            {
                "id": given.id,
                "employment": given.employment,
                "production": given.production,
                "qa_scores": [float(s) for s in given.qa_scores],
                "dissatisfied": given.dissatisfied,
                "feedback_unprocessed": given.feedback_unprocessed,
                "im_unprocessed": given.im_unprocessed,
                "avg_call_seconds": float(given.avg_call_seconds),
                "plan_missed": given.plan_missed,
                "knowledge_errors": given.knowledge_errors,
                "operation_errors": given.operation_errors,
                "discipline": given.discipline,
                "cooperation": given.cooperation,
                "incidents": given.incidents,
            }
        )
    rate = float(kpi.dept_month.connection_rate)
    document = json.dumps({"month": month, "department": {"connection_rate": rate}, "agents": agents})
    result = app.test_cli_runner().invoke(args=["rules", "score", "-", "--policy", str(path)], input=document)
    assert result.exit_code == 0, result.output
    return {int(a["id"]): Decimal(str(a["total"])) for a in json.loads(result.stdout)["agents"]}


def test_the_preview_lists_exactly_the_people_whose_result_changes(db_app, org, tmp_path):
    # 客服部's rate is 96.00: a target of 97 costs its agents 2 points; 售后部 has no rate, so no one else moves
    row = _draft(org, values={TARGET_RATE: Decimal("97")})
    preview = policy_preview.request(org["users"]["hr"], row.id, [MONTH])
    db.session.expire_all()
    preview = db.session.get(type(preview), preview.id)
    assert preview.status == "done", preview.error
    result = policy_preview.result_of(preview)
    old = _rules_score(db_app, tmp_path, shipped_policies()[0])
    new = _rules_score(db_app, tmp_path, policy_drafts.policy_of(row))
    moved = {person for person in old if old[person] != new[person]}
    assert moved  # the threshold does change someone
    changed = {p["id"] for p in result["people"] if p["changed"]}
    assert changed == moved
    for person in result["people"]:
        if person["id"] in old:
            month = person["months"][MONTH]
            assert Decimal(month["old"]["score"]) == old[person["id"]]
            assert Decimal(month["new"]["score"]) == new[person["id"]]
    assert result["totals"]["company"]["affected"] == len(moved)
    # nothing stored was read or written: the stored results still hold the published version only
    from csapp.models import DepartmentResult

    assert {r.policy_version for r in db.session.scalars(db.select(DepartmentResult))} <= {"default-1"}


def test_a_preview_of_an_unchanged_draft_changes_no_one(org):
    row = _draft(org)
    preview = policy_preview.request(org["users"]["hr"], row.id, [MONTH])
    db.session.expire_all()
    result = policy_preview.result_of(db.session.get(type(preview), preview.id))
    assert result["people"] and not any(p["changed"] for p in result["people"])
    assert result["totals"]["company"]["cost_total"] == "0.00"


def test_an_edit_makes_the_preview_stale(org):
    row = _draft(org)
    policy_preview.request(org["users"]["hr"], row.id, [MONTH])
    assert policy_preview.current_preview(row, [MONTH]) is not None
    row = policy_drafts.save_values(org["users"]["hr"], row.id, {TARGET_RATE: Decimal("97")})
    assert policy_preview.current_preview(row, [MONTH]) is None


def test_publishing_needs_another_admin_and_applies_from_its_month(org, hr2):
    hr = org["users"]["hr"]
    row = _draft(org, values={TARGET_RATE: Decimal("97")})
    policy_drafts.submit(hr, row.id)
    with pytest.raises(ServiceError, match="另一位政策管理员"):
        policy_publishing.approve(hr, row.id)
    generation = db.session.get(PolicyGeneration, 1).value
    published = policy_publishing.approve(hr2, row.id)
    assert published.status is PolicyStatus.PUBLISHED
    db.session.expire_all()
    assert db.session.get(PolicyGeneration, 1).value == generation + 1
    versions = book()
    assert policy_for("2026-11", versions).version == "default-1"  # earlier months keep theirs
    assert policy_for("2026-12", versions).version == row.label
    assert policy_for("2027-05", versions).kpi.items["connection"].target_rate == Decimal("97")


def test_an_edit_after_submission_returns_the_draft(org, hr2):
    hr = org["users"]["hr"]
    row = _draft(org)
    policy_drafts.submit(hr, row.id)
    row = policy_drafts.save_values(hr2, row.id, {TARGET_RATE: Decimal("96")})
    assert row.status is PolicyStatus.DRAFT
    policy_drafts.submit(hr2, row.id)
    with pytest.raises(ServiceError, match="另一位"):  # hr2 edited it now: neither may approve
        policy_publishing.approve(hr2, row.id)
    with pytest.raises(ServiceError, match="另一位"):
        policy_publishing.approve(hr, row.id)


def test_a_returned_draft_carries_the_reason(org, hr2):
    row = _draft(org)
    policy_drafts.submit(org["users"]["hr"], row.id)
    with pytest.raises(ServiceError, match="退回原因"):
        policy_drafts.send_back(hr2, row.id, " ")
    row = policy_drafts.send_back(hr2, row.id, "接通率目标请与运营确认")
    assert row.status is PolicyStatus.RETURNED and row.return_reason == "接通率目标请与运营确认"


def test_no_version_takes_effect_in_a_locked_month(org, hr2):
    from csapp.services import month_lock

    month_lock.lock(org["users"]["hr"], org["main"].id, MONTH)
    row = _draft(org, effective=MONTH)
    policy_drafts.submit(org["users"]["hr"], row.id)
    with pytest.raises(ServiceError, match="已锁定或已确认工资"):
        policy_publishing.approve(hr2, row.id)
    assert db.session.get(PolicyVersion, row.id).status is PolicyStatus.PENDING


def test_publishing_is_refused_when_the_base_is_no_longer_in_force(org, hr2):
    hr = org["users"]["hr"]
    first = _draft(org, effective="2026-12")
    second = _draft(org, effective="2027-01")  # based on default-1, in force in 2027-01 today
    policy_drafts.submit(hr, first.id)
    policy_publishing.approve(hr2, first.id)
    policy_drafts.submit(hr, second.id)
    with pytest.raises(ServiceError, match="重新起草"):
        policy_publishing.approve(hr2, second.id)


def test_publishing_flags_open_applications_and_stales_draft_pay_runs(org, hr2):
    from factories import interviewed_application

    application = interviewed_application(org)
    row = _draft(org, effective=application.month)
    policy_drafts.submit(org["users"]["hr"], row.id)
    policy_publishing.approve(hr2, row.id)
    db.session.expire_all()
    assert application.policy_changed_at is not None
    assert row.label in application.policy_change_note


def test_a_published_version_is_withdrawn_before_its_month_through_four_eyes(org, hr2):
    hr = org["users"]["hr"]
    row = _draft(org, effective="2027-03")
    policy_drafts.submit(hr, row.id)
    policy_publishing.approve(hr2, row.id)
    policy_publishing.request_withdrawal(hr, row.id, "方案推迟")
    with pytest.raises(ServiceError, match="另一位"):
        policy_publishing.approve_withdrawal(hr, row.id)
    row = policy_publishing.approve_withdrawal(hr2, row.id)
    assert row.status is PolicyStatus.WITHDRAWN
    assert policy_for("2027-03", book()).version == "default-1"


def test_a_stored_version_survives_a_schema_migration(org):
    """A version stored under an older schema (here: schema 0 named the target rate `target`) is rewritten
    by the release's data migration and loads with the same meaning."""
    from csapp.services.policy_seed import rewrite_stored_versions

    old = shipped_policies()[0].model_dump(mode="json", exclude_none=True)
    old["version"], old["effective"] = "old-schema", "2027-06"
    old["kpi"]["items"]["connection"]["target"] = old["kpi"]["items"]["connection"].pop("target_rate")
    import tomli_w

    text = tomli_w.dumps(old)
    with pytest.raises(PolicyError):
        parse_policy(text)
    db.session.add(
        PolicyVersion(
            label="old-schema",
            effective="2027-06",
            status=PolicyStatus.PUBLISHED,
            schema_version=0,
            content=text,
            content_hash="x",
        )
    )
    db.session.commit()

    def rename_target(raw):
        raw["kpi"]["items"]["connection"]["target_rate"] = raw["kpi"]["items"]["connection"].pop("target")
        return raw

    with db.engine.begin() as connection:
        assert rewrite_stored_versions(connection, to_version=1, steps={0: rename_target}) == 1
    policy_book.forget()
    loaded = policy_for("2027-06", book())
    assert loaded.version == "old-schema"
    assert loaded.kpi == shipped_policies()[0].kpi


def test_every_stored_version_loads_after_the_migrations(db_app):
    for row in db.session.scalars(db.select(PolicyVersion)):
        assert policy_drafts.policy_of(row).version == row.label


def test_dept_month_keeps_its_rate_for_previews(org):
    # the preview's test department has a rate: guard the premise of the preview tests above
    assert db.session.scalar(db.select(DepartmentMonth.connection_rate).where(DepartmentMonth.month == MONTH))


def test_policy_export_then_import_creates_a_draft_never_published(db_app, org, tmp_path):
    runner = db_app.test_cli_runner()
    path = tmp_path / "policy.toml"
    result = runner.invoke(args=["policy", "export", str(path), "--month", MONTH])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert text.startswith("schema_version = 1\n") and 'version = "default-1"' in text
    edited = text.replace('effective = "2000-01"', 'effective = "2027-01"').replace(
        'target_rate = "95"', 'target_rate = "96"'
    )
    path.write_text(edited, encoding="utf-8")
    result = runner.invoke(args=["policy", "import", str(path), "--author", "hr"])
    assert result.exit_code == 0, result.output
    row = db.session.scalar(db.select(PolicyVersion).where(PolicyVersion.effective == "2027-01"))
    assert row.status is PolicyStatus.DRAFT and row.created_by.username == "hr"
    assert policy_drafts.policy_of(row).kpi.items["connection"].target_rate == Decimal("96")
    assert policy_for("2027-01", book()).version == "default-1"  # an import never publishes


def test_an_invalid_import_says_every_path_and_creates_nothing(db_app, org, tmp_path):
    runner = db_app.test_cli_runner()
    path = tmp_path / "policy.toml"
    runner.invoke(args=["policy", "export", str(path)])
    bad = path.read_text(encoding="utf-8").replace('effective = "2000-01"', 'effective = "2027-02"')
    bad = bad.replace('target_rate = "95"', 'target_rate = "-1"').replace(
        'attendance_bonus = "200.00"', 'attendance_bonus = "x"'
    )
    path.write_text(bad, encoding="utf-8")
    result = runner.invoke(args=["policy", "import", str(path), "--author", "hr"])
    assert result.exit_code != 0
    assert (
        "kpi.items.connection.target_rate: 坐席绩效 › 考核项目 › 400电话接通率 › 达标接通率(%):须大于 0"
        in result.output
    )
    assert "pay.attendance_bonus: 工资 › 全勤奖(元):须为数字" in result.output
    assert "2 problem(s); nothing was imported" in result.output
    assert db.session.scalar(db.select(PolicyVersion).where(PolicyVersion.effective == "2027-02")) is None
    assert runner.invoke(args=["policy", "import", str(path), "--author", "nobody"]).exit_code != 0


def test_a_stalled_preview_is_queued_again_when_asked_for(org):
    import datetime as dt

    from csapp.models import PolicyPreview

    row = _draft(org)
    preview = policy_preview.request(org["users"]["hr"], row.id, [MONTH])
    preview_id = preview.id
    db.session.execute(
        db.update(PolicyPreview)
        .where(PolicyPreview.id == preview_id)
        .values(status="running", created_at=dt.datetime(2020, 1, 1))
    )  # its consumer died long ago
    db.session.commit()
    again = policy_preview.request(org["users"]["hr"], row.id, [MONTH])
    db.session.expire_all()
    assert again.id == preview_id and db.session.get(PolicyPreview, preview_id).status == "done"
