"""Deterministic sample tasks (for the demo city, previews and tests).

``python -m diaodu.tasks.demo OUT_DIR [--today YYYY-MM-DD]`` writes a sample bulletin, memo and
ledger so they can be opened or rendered with LibreOffice.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from diaodu.tasks.lifecycle import Status
from diaodu.tasks.records import TaskRecord

_UNITS = ["市发展改革委", "市工业和信息化局", "市商务局", "市自然资源和规划局", "市住房城乡建设局", "市财政局",
          "市农业农村局", "市生态环境局"]
_CONTENTS = [
    "加快推进重点项目开工建设，确保一季度新开工项目不少于30个",
    "组织开展规上工业企业“一企一策”帮扶，稳定工业经济运行",
    "落实促消费政策，举办汽车、家电等专项促销活动",
    "完成年度新增建设用地报批，保障重点项目用地需求",
    "推进城镇老旧小区改造，年内完成改造小区45个",
    "统筹盘活存量资金，保障重点项目资本金需求",
    "抓好春耕备耕，落实粮食播种面积和产量目标",
    "开展大气污染防治攻坚，完成PM2.5年度控制目标",
    "制定招商引资“一把手”工程实施方案，引进亿元以上项目",
    "推动专精特新企业培育，新增省级专精特新企业20家",
    "加快跨境电商综合试验区建设，培育外贸新业态",
    "开展闲置土地专项清理，处置批而未供土地",
    "推进保障性租赁住房建设，筹集房源1500套",
    "做好专项债券项目储备和发行使用，加快支出进度",
    "推进高标准农田建设，新建高标准农田5万亩",
    "完成重点行业超低排放改造，落实减污降碳协同",
]


def demo_tasks(today: dt.date, n: int = 40) -> list[TaskRecord]:
    """``n`` tasks in varied states relative to ``today`` (closed on time/late, overdue, due soon...)."""
    tasks: list[TaskRecord] = []
    leaders = ["王建国", "李明", "张春华", "陈立新"]
    for i in range(n):
        unit = _UNITS[(i * 3 + i // 8) % len(_UNITS)]
        assist = (_UNITS[(i + 3) % len(_UNITS)],) if i % 3 else ()
        kind = i % 8
        offset = [-40, -20, -9, -3, 2, 12, 30, -60][kind]
        deadline = today + dt.timedelta(days=offset + (i // 8))
        status = [Status.CLOSED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.CLOSE_REQUESTED,
                  Status.IN_PROGRESS, Status.PENDING, Status.IN_PROGRESS, Status.CLOSED][kind]
        if unit in ("市生态环境局", "市农业农村局") and kind in (1, 2):
            status = Status.CLOSED
        closed_on = None
        if status is Status.CLOSED:
            closed_on = deadline - dt.timedelta(days=3) if (kind != 7 or i % 2) else deadline + dt.timedelta(days=5)
        original = deadline - dt.timedelta(days=30) if i % 11 == 5 else None
        tasks.append(TaskRecord(
            id=f"DB-{today.year}-{i + 1:03d}",
            content=_CONTENTS[i % len(_CONTENTS)],
            lead_unit=unit,
            assist_units=assist,
            deadline=deadline,
            original_deadline=original,
            status=status,
            closed_on=closed_on,
            leader=leaders[i % len(leaders)],
            section=["一、稳增长", "二、促投资", "三、优环境"][i % 3],
            source_ref=f"第{i % 12 + 1}段",
        ))
    return tasks


def main(argv: list[str] | None = None) -> None:
    from diaodu.tasks.bulletin import BulletinInput, MemoInput, write_bulletin, write_followup_memo
    from diaodu.tasks.ledger import LedgerRow, write_ledger_xlsx

    ap = argparse.ArgumentParser(description="写出示例督查通报、督办单和任务分解表")
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 24))
    args = ap.parse_args(argv)
    tasks = demo_tasks(args.today)
    write_bulletin(BulletinInput(period=f"{args.today.year}-{args.today.month:02d}", today=args.today, tasks=tasks),
                   args.out_dir / "bulletin-sample.docx")
    write_followup_memo(MemoInput("全市一季度经济运行调度会", args.today - dt.timedelta(days=3), args.today,
                                  tasks[:9]), args.out_dir / "memo-sample.docx")
    write_ledger_xlsx([LedgerRow(content=t.content, lead_unit=t.lead_unit, deadline=t.deadline,
                                 assist_units=t.assist_units, section=t.section, source_ref=t.source_ref,
                                 status=t.status, leader=t.leader) for t in tasks],
                      args.out_dir / "ledger-sample.xlsx")
    print(args.out_dir)


if __name__ == "__main__":
    main()
