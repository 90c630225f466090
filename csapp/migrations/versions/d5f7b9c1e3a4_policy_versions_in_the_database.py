"""policy: versions in the database (drafts, four eyes, published book), the generation row, impact previews

Revision ID: d5f7b9c1e3a4
Revises: c4e6a8b0d2f3
Create Date: 2026-11-29 19:30:00

The shipped version is seeded from the TOML text inlined below (what this release shipped), and any
other *.toml an install added to csapp/policy/data is imported too.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd5f7b9c1e3a4'
down_revision = 'c4e6a8b0d2f3'
branch_labels = None
depends_on = None

OPEN = "status IN ('draft', 'pending', 'returned')"


def upgrade():
    op.create_table(
        'policy_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=40), nullable=False),
        sa.Column('effective', sa.String(length=7), nullable=False),
        sa.Column('status', sa.Enum('draft', 'pending', 'published', 'returned', 'withdrawn', name='policystatus', native_enum=False, length=12), nullable=False),
        sa.Column('schema_version', sa.Integer(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('base_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.Column('return_reason', sa.Text(), nullable=False),
        sa.Column('withdraw_requested_by_id', sa.Integer(), nullable=True),
        sa.Column('withdraw_requested_at', sa.DateTime(), nullable=True),
        sa.Column('withdraw_reason', sa.Text(), nullable=False),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
        sa.Column('lock', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['base_id'], ['policy_version.id'], name=op.f('fk_policy_version_base_id_policy_version')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_policy_version_created_by_id_user')),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_policy_version_submitted_by_id_user')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_policy_version_decided_by_id_user')),
        sa.ForeignKeyConstraint(['withdraw_requested_by_id'], ['user.id'], name=op.f('fk_policy_version_withdraw_requested_by_id_user')),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user.id'], name=op.f('fk_policy_version_withdrawn_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_version')),
        sa.UniqueConstraint('label', name=op.f('uq_policy_version_label')),
    )
    with op.batch_alter_table('policy_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_version_effective'), ['effective'], unique=False)
        batch_op.create_index('uq_policy_version_open', ['effective'], unique=True, sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
        batch_op.create_index('uq_policy_version_published', ['effective'], unique=True, sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))
    op.create_table(
        'policy_editor',
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_policy_editor_user_id_user')),
        sa.ForeignKeyConstraint(['version_id'], ['policy_version.id'], name=op.f('fk_policy_editor_version_id_policy_version')),
        sa.PrimaryKeyConstraint('version_id', 'user_id', name=op.f('pk_policy_editor')),
    )
    op.create_table(
        'policy_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_generation')),
    )
    op.create_table(
        'policy_preview',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('months', sa.String(length=80), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('result', sa.Text(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_policy_preview_created_by_id_user')),
        sa.ForeignKeyConstraint(['version_id'], ['policy_version.id'], name=op.f('fk_policy_preview_version_id_policy_version')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_preview')),
        sa.UniqueConstraint('version_id', 'content_hash', 'months', name=op.f('uq_policy_preview_version_id')),
    )
    with op.batch_alter_table('policy_preview', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_preview_version_id'), ['version_id'], unique=False)
    with op.batch_alter_table('promotion_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy_changed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('policy_change_note', sa.Text(), server_default='', nullable=False))

    from csapp.policy.parameters import DATA_DIR
    from csapp.services.policy_seed import seed_shipped_versions

    extra = [p.read_text(encoding="utf-8") for p in sorted(DATA_DIR.glob("*.toml")) if p.name != "2000-01-default.toml"]
    seed_shipped_versions(op.get_bind(), [SHIPPED, *extra])


def downgrade():
    with op.batch_alter_table('promotion_application', schema=None) as batch_op:
        batch_op.drop_column('policy_change_note')
        batch_op.drop_column('policy_changed_at')
    with op.batch_alter_table('policy_preview', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_preview_version_id'))
    op.drop_table('policy_preview')
    op.drop_table('policy_generation')
    op.drop_table('policy_editor')
    with op.batch_alter_table('policy_version', schema=None) as batch_op:
        batch_op.drop_index('uq_policy_version_published')
        batch_op.drop_index('uq_policy_version_open')
        batch_op.drop_index(batch_op.f('ix_policy_version_effective'))
    op.drop_table('policy_version')


SHIPPED = r'''
# 客服部绩效考核及晋升方案 — the default policy of shared/spec/RULES.md.
# Every number and decision the rules use lives here; the code reads it and never
# carries a threshold of its own. A new version is a new file with a later `effective`
# month: it is in force from that month on.

version = "default-1"
effective = "2000-01"
title = "客服部绩效考核及晋升方案(默认版本)"
# The career ladder (§1, D16): the rung below sup.1 is agent.3, below mgr.1 is sup.3.
career = ["agent.p", "agent.1", "agent.2", "agent.3", "sup.1", "sup.2", "sup.3",
          "mgr.1", "mgr.2", "mgr.3"]

# ---------------------------------------------------------------- §1 grades
[tracks.agent]
name = "话务员/客服专员"
ladder = ["agent.p", "agent.1", "agent.2", "agent.3"]
[tracks.spec]
name = "成长档案专员"
ladder = ["spec.p", "spec.1", "spec.2", "spec.3"]
[tracks.sup]
name = "客服主管"
ladder = ["sup.1", "sup.2", "sup.3"]
[tracks.mgr]
name = "客服经理"
ladder = ["mgr.1", "mgr.2", "mgr.3"]

[grades."agent.p"]
title = "话务员(试用期)"
unrated_title = "话务员(未定星)"
name = "试用期"
base = "2800"
performance = "0"
[grades."agent.1"]
title = "话务员 · 一星"
name = "一级 · 一星"
base = "3000"
performance = "500"
[grades."agent.2"]
title = "话务员 · 二星"
name = "二级 · 二星"
base = "3300"
performance = "500"
[grades."agent.3"]
title = "话务员 · 三星"
name = "三级 · 三星"
base = "3500"
performance = "500"
[grades."spec.p"]
name = "见习专员"
base = "2800"
performance = "0"
commission_per_book = "2.00"
[grades."spec.1"]
name = "普通专员"
base = "2800"
performance = "800"
commission_per_book = "2.00"
[grades."spec.2"]
name = "中级专员"
base = "3100"
performance = "800"
commission_per_book = "2.00"
[grades."spec.3"]
name = "高级专员"
base = "3300"
performance = "800"
commission_per_book = "2.00"
[grades."sup.1"]
name = "主管"
base = "4000"
performance = "500"
[grades."sup.2"]
name = "中级主管"
base = "4500"
performance = "500"
[grades."sup.3"]
name = "高级主管"
base = "5000"
performance = "500"
[grades."mgr.1"]
name = "副经理"
base = "5000"
performance = "1000"
[grades."mgr.2"]
name = "经理"
base = "5800"
performance = "1200"
[grades."mgr.3"]
name = "高级经理"
base = "6800"
performance = "1200"

# ---------------------------------------------------------------- §2 pay
[pay]
kpi_cap = "100"                  # D4: factor = min(KPI, cap) / 100
performance_zero_leave_days = "10"  # ≥ this many leave days in the month → no performance pay
attendance_bonus = "200.00"      # 全勤奖
# D5: the leave types that count against performance pay and the attendance bonus
# (annual leave 年假 is not among them).
counted_leave_types = ["sick", "personal", "bereavement", "maternity", "marriage", "other"]

[pay.leave_type_names]
annual = "年假"
sick = "病假"
personal = "事假"
bereavement = "丧假"
maternity = "产假"
marriage = "婚假"
other = "其他假"

[pay.allowance_names]
meal = "餐补"
transport = "车补"
phone = "通讯补助"

# Deductions from gross pay (实发 = 应发 − deductions). The app computes none of them: they are
# typed in or imported from the payroll provider each month.
[pay.deduction_kinds]
social_insurance = "社保个人部分"
housing_fund = "公积金个人部分"
income_tax = "个人所得税"
other = "其他扣款"

# Fixed allowances per grade (yuan a month); default none. Per-person allowances come
# with the person's data.
[pay.grade_allowances]

# ---------------------------------------------------------------- §3 agent KPI
[kpi]
# D10: rank bonuses, last-place penalty and above/below-average adjustments need at
# least this many agents with data, and values that are not all equal.
min_agents_for_comparison = 2
qa_expected_samples = 5

[kpi.items.connection]
name = "400电话接通率"
block = "核心指标"
weight = "20"
target_rate = "95"       # department rate ≥ target → full weight
per_point = "2"          # D6: −2 per percentage point below, pro rata

[kpi.items.feedback]
name = "用户反馈处理率"
block = "核心指标"
weight = "10"
per_count = "1"          # per unprocessed feedback

[kpi.items.qa]
name = "质检"
block = "核心指标"
weight = "10"
rank1_bonus = "3"
last_place_penalty = "3"
at_or_below_average_penalty = "1"   # D7: these stack

[kpi.items.satisfaction]
name = "满意度"
block = "核心指标"
weight = "10"
per_count = "10"         # per dissatisfied case

[kpi.items.volume]
name = "接线量"
block = "核心指标"
weight = "10"
at_or_below_average_penalty = "1"
rank_bonuses = ["3", "2"]           # rank 1, rank 2
above_average_bonus = "1"           # only without a rank bonus (D7)

[kpi.items.im]
name = "环信处理"
block = "核心指标"
weight = "10"
per_count = "2"          # per chat left unprocessed at end of shift

[kpi.items.call_length]
name = "通话均长"
block = "核心工作"
weight = "5"
per_second = "1"         # D8: pro rata
[kpi.items.call_length.limit_seconds]
regular = "120"
intern = "180"

[kpi.items.plan]
name = "部门计划指标"
block = "核心工作"
weight = "5"
per_count = "1"

[kpi.items.knowledge]
name = "业务知识"
block = "核心工作"
weight = "5"
per_count = "2"

[kpi.items.operations]
name = "操作办理类"
block = "核心工作"
weight = "5"
per_count = "2"

[kpi.items.discipline]
name = "现场纪律/卫生"
block = "日常表现"
weight = "5"
per_count = "1"

[kpi.items.cooperation]
name = "工作配合度/执行力"
block = "日常表现"
weight = "5"
per_count = "1"

# Management incidents (管理指标项), D9: points × count, added to the total, not capped.
[kpi.incidents.work_error]
name = "工作(业务)差错"
points = "-2"
[kpi.incidents.business_complaint]
name = "顾客有理由业务投诉"
points = "-3"
[kpi.incidents.service_complaint]
name = "顾客有理有服务投诉"
points = "-5"
[kpi.incidents.preshift_wrong]
name = "班前会业务抽检回答错误"
points = "-1"
[kpi.incidents.excellent_recording]
name = "优秀录音"
points = "2"
[kpi.incidents.area_hygiene]
name = "所属辖区卫生问题"
points = "-1"
[kpi.incidents.refused_arrangement]
name = "不执行部门或直属上级工作安排"
points = "-3"
[kpi.incidents.idle_when_busy]
name = "工作忙时示忙或离席未向上级请示"
points = "-3"
[kpi.incidents.slacking]
name = "工作时上网、玩游戏、忙时玩手机、看书报"
points = "-3"

# D11: tracks without a formula get a weighted mean of item scores (0–100).
[reviewed_scores.sup]
items = ["400电话接通率", "用户反馈处理率", "满意度", "业务知识", "质检", "数据汇总分析",
         "成长档案完成情况", "各部门协调配合", "部门指标完成", "技术优化问题反馈", "综合表现"]
[reviewed_scores.mgr]
items = ["呼叫中心日常运营管理", "服务质量标准", "部门机制与人员技能提升", "部门协调处理能力", "综合表现"]
[reviewed_scores.spec]
items = ["综合评分"]

# Soft limits of the entry grid (成绩录入): a value above its usual range is saved only after the
# person entering it confirms (超出常见范围). A typing slip such as 100000 is caught, a real outlier kept.
[soft_limits]
production = "3000"
feedback_unprocessed = "10"
im_unprocessed = "20"
avg_call_seconds = "600"
plan_missed = "10"
knowledge_errors = "10"
operation_errors = "10"
discipline = "10"
cooperation = "10"
late = "10"
absent = "5"
books_delivered = "500"
work_errors = "10"
coordination_complaints = "10"
headcount = "2000"
leavers = "100"

# ---------------------------------------------------------------- §4 promotion
[promotion]
window_first_day = 1
window_last_day = 5
leave_gate_days = "7"        # 7 or more non-annual leave days in the cycle fail the gate
service_level_seconds = 20   # D18: T of the managers' 服务水平

# Periods (months) per target grade, and where tenure counts from:
#   grade       — held the from-grade since the 1st of the cycle's first month;
#   regularized — 转正 on or before the 1st of the cycle's first month (agent.1, D13).
[promotion.targets."agent.1"]
months = 3
tenure = "regularized"
[promotion.targets."agent.2"]
months = 6
tenure = "grade"
[promotion.targets."agent.3"]
months = 6
tenure = "grade"
[promotion.targets."spec.1"]
months = 6
tenure = "regularized_cumulative"
[promotion.targets."spec.2"]
months = 12
tenure = "regularized_cumulative"
[promotion.targets."spec.3"]
months = 18
tenure = "regularized_cumulative"
[promotion.targets."sup.1"]
months = 12
tenure = "grade"
[promotion.targets."sup.2"]
months = 12
tenure = "grade"
[promotion.targets."sup.3"]
months = 12
tenure = "grade"
[promotion.targets."mgr.1"]
months = 12
tenure = "grade"
[promotion.targets."mgr.2"]
months = 12
tenure = "grade"
[promotion.targets."mgr.3"]
months = 12
tenure = "grade"

[promotion.tracks.agent]
gates = ["tenure", "window", "data", "leave", "service_complaint"]
[promotion.tracks.spec]
gates = ["tenure", "window", "data", "leave", "serious_error"]
[promotion.tracks.sup]
gates = ["tenure", "window", "data"]
[promotion.tracks.mgr]
gates = ["tenure", "window", "data"]

# Criteria: `measure` says how the cycle is summed up (code), `op` and the per-grade
# `thresholds` are the policy. Measures:
#   mean / sum            of a person's monthly field
#   dept_mean / dept_sum  of a department's monthly field
#   months_at_or_above    months with production ≥ department average (note 3: or the
#                         cycle mean ≥ the mean of the monthly department averages)
#   turnover              leavers in cycle / mean headcount × 100
#   input                 a recorded judgement or score (written test, interview, process)
[[promotion.tracks.agent.criteria]]
key = "production"
name = "产量"
measure = "months_at_or_above"
op = ">="
thresholds = { "agent.1" = "2", "agent.2" = "4", "agent.3" = "5" }
[[promotion.tracks.agent.criteria]]
key = "qa"
name = "质检"
measure = "mean"
field = "qa_avg"
op = ">="
thresholds = { "agent.1" = "93", "agent.2" = "95", "agent.3" = "98.5" }
[[promotion.tracks.agent.criteria]]
key = "dissatisfied"
name = "有理由不满意录音"
measure = "sum"
field = "justified_dissatisfied"
op = "<="
thresholds = { "agent.1" = "5", "agent.2" = "3", "agent.3" = "1" }
[[promotion.tracks.agent.criteria]]
key = "work_errors"
name = "工作差错"
measure = "sum"
field = "work_errors"
op = "<="
thresholds = { "agent.1" = "2", "agent.2" = "0", "agent.3" = "0" }
[[promotion.tracks.agent.criteria]]
key = "stars"
name = "优秀员工(产量/质检明星)"
measure = "sum"
field = "stars"
op = ">="
thresholds = { "agent.1" = "0", "agent.2" = "1", "agent.3" = "2" }
[[promotion.tracks.agent.criteria]]
key = "refused"
name = "不执行上级领导安排"
measure = "sum"
field = "refused"
op = "<="
thresholds = { "agent.1" = "0", "agent.2" = "0", "agent.3" = "0" }
[[promotion.tracks.agent.criteria]]
key = "kpi"
name = "绩效评分"
measure = "mean"
field = "kpi"
op = ">="
thresholds = { "agent.1" = "90", "agent.2" = "93", "agent.3" = "96" }
[[promotion.tracks.agent.criteria]]
key = "written_test"
name = "笔试"
measure = "input"
field = "written_test"
op = ">="
thresholds = { "agent.1" = "85", "agent.2" = "90", "agent.3" = "95" }
[[promotion.tracks.agent.criteria]]
key = "interview"
name = "晋升面谈"
measure = "input"
field = "interview"
op = "pass"

[[promotion.tracks.spec.criteria]]
key = "audit_errors"
name = "审核差错次数"
measure = "sum"
field = "audit_errors"
op = "<="
thresholds = { "spec.1" = "2", "spec.2" = "0", "spec.3" = "0" }
[[promotion.tracks.spec.criteria]]
key = "delivery_data_errors"
name = "数据完整交付失误"
measure = "sum"
field = "delivery_data_errors"
op = "<="
thresholds = { "spec.1" = "2", "spec.2" = "1", "spec.3" = "0" }
[[promotion.tracks.spec.criteria]]
key = "shipping_errors"
name = "配送环节失误"
measure = "sum"
field = "shipping_errors"
op = "<="
thresholds = { "spec.1" = "2", "spec.2" = "1", "spec.3" = "0" }
[[promotion.tracks.spec.criteria]]
key = "kpi"
name = "绩效评分"
measure = "mean"
field = "kpi"
op = ">="
thresholds = { "spec.1" = "96", "spec.2" = "98", "spec.3" = "99" }
[[promotion.tracks.spec.criteria]]
key = "interview"
name = "面谈"
measure = "input"
field = "interview"
op = "pass"

[[promotion.tracks.sup.criteria]]
key = "connection"
name = "年度接通率(%)"
measure = "dept_mean"
field = "connection_rate"
op = ">="
thresholds = { "sup.1" = "85", "sup.2" = "90", "sup.3" = "95" }
[[promotion.tracks.sup.criteria]]
key = "dept_service_errors"
name = "部门服务差错"
measure = "dept_sum"
field = "service_complaints"
op = "<="
thresholds = { "sup.1" = "0", "sup.2" = "0", "sup.3" = "0" }
[[promotion.tracks.sup.criteria]]
key = "dept_quality"
name = "整体服务质检"
measure = "dept_mean"
field = "qa_avg"
op = ">="
thresholds = { "sup.1" = "90", "sup.2" = "93", "sup.3" = "95" }
[[promotion.tracks.sup.criteria]]
key = "coordination"
name = "部门协调投诉"
measure = "sum"
field = "coordination"
op = "<="
thresholds = { "sup.1" = "0", "sup.2" = "0", "sup.3" = "0" }
[[promotion.tracks.sup.criteria]]
key = "work_errors"
name = "工作差错"
measure = "sum"
field = "work_errors"
op = "<="
thresholds = { "sup.1" = "3", "sup.2" = "1", "sup.3" = "0" }
[[promotion.tracks.sup.criteria]]
key = "kpi"
name = "绩效评分"
measure = "mean"
field = "kpi"
op = ">="
thresholds = { "sup.1" = "90", "sup.2" = "95", "sup.3" = "98" }
[[promotion.tracks.sup.criteria]]
key = "interview"
name = "面谈"
measure = "input"
field = "interview"
op = "pass"

[[promotion.tracks.mgr.criteria]]
key = "connection"
name = "年度接通率(%)"
measure = "dept_mean"
field = "connection_rate"
op = ">="
thresholds = { "mgr.1" = "85", "mgr.2" = "90", "mgr.3" = "95" }
[[promotion.tracks.mgr.criteria]]
key = "dept_service_errors"
name = "部门服务差错"
measure = "dept_sum"
field = "service_complaints"
op = "<="
thresholds = { "mgr.1" = "0", "mgr.2" = "0", "mgr.3" = "0" }
[[promotion.tracks.mgr.criteria]]
key = "dept_quality"
name = "整体服务水平(%)"
measure = "dept_mean"
field = "service_level"
op = ">="
thresholds = { "mgr.1" = "90", "mgr.2" = "93", "mgr.3" = "95" }
[[promotion.tracks.mgr.criteria]]
key = "work_errors"
name = "工作差错"
measure = "sum"
field = "work_errors"
op = "<="
thresholds = { "mgr.1" = "3", "mgr.2" = "1", "mgr.3" = "0" }
[[promotion.tracks.mgr.criteria]]
key = "turnover"
name = "人员流失率(%)"
measure = "turnover"
op = "<="
thresholds = { "mgr.1" = "20", "mgr.2" = "10", "mgr.3" = "6" }
[[promotion.tracks.mgr.criteria]]
key = "process"
name = "流程优化"
measure = "input"
field = "process"
op = "pass"
texts = { "mgr.1" = "梳理框架", "mgr.2" = "完善流程", "mgr.3" = "流程统一、专业、有序" }
[[promotion.tracks.mgr.criteria]]
key = "kpi"
name = "绩效评分"
measure = "mean"
field = "kpi"
op = ">="
thresholds = { "mgr.1" = "90", "mgr.2" = "95", "mgr.3" = "98" }
[[promotion.tracks.mgr.criteria]]
key = "interview"
name = "面谈"
measure = "input"
field = "interview"
op = "pass"

# ---------------------------------------------------------------- decisions, shown to HR
[decisions]
D1 = "N 星话务员即 N 级(一星 = 一级)。已转正但尚未评星的话务员(未定星)仍按试用期标准计薪;转正是带日期的事件,晋升时间从转正起算。"
D2 = "成长档案专员的“普通专员(6个月)”与话务员一星同样理解为晋升目标:专员从见习专员(2800/0)起步,经晋升成为普通专员。"
D3 = "佣金(当月交付本数 × 2 元)适用于所有专员职级。"
D4 = "绩效系数 = min(当月绩效总分, 100) / 100,线性且封顶。"
D5 = "年假不影响全勤奖与绩效工资;计入的假别由政策数据决定。"
D6 = "接通率低于 95% 时按比例扣分:每低 1 个百分点扣 2 分(93.5% 扣 3.00 分)。"
D7 = "质检的第一名加分、最后一名扣分、平均分及以下扣分可叠加;接线量的均产以上 +1 与名次奖励不同享,但名次奖励可与 −1 同时出现。"
D8 = "通话均长超出上限按秒按比例扣分(122.4 秒扣 2.40 分)。"
D9 = "管理指标项逐条登记,按分值 × 次数计入当月总分,不受单项封顶限制。"
D10 = "排名采用竞争排名(1,1,3);比较需要至少 2 名有数据的坐席且数值不全相同。"
D11 = "专员、主管、经理没有公式:考核人按考核项逐项打分(0–100),当月得分为加权平均(默认等权)。"
D12 = "主管/经理的工作差错“3< 1< 0<”理解为“至多”。"
D13 = "专员的晋升时间自转正起累计(6/12/18 个月),申请当月 1 日须在原职级。"
D14 = "考核周期按月滚动:每次申请按自己的周期评定,失败原因只在其落在周期内时有效。"
D15 = "申请窗口、面谈、人事评定适用于所有岗位;资格条件与门槛只在方案写明处适用(主管、经理无假期门槛)。"
D16 = "主管的前一级为三星话务员,副经理的前一级为高级主管。"
D17 = "年度接通率 = 周期内各月部门接通率的算术平均,每月同权。"
D18 = "经理的“整体服务水平” = T 秒内接起的来电 / 呼入来电(%),T = 20 秒。"
'''
