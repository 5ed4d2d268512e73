"""Demo speeches of 示范市 (fictional texts written for the demo, not taken from the corpus)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from diaodu.core.audit import Actor
from diaodu.core.models import User

ECONOMY_DATE = dt.date(2026, 7, 28)
ECONOMY_TITLE = "在全市上半年经济运行分析会上的讲话"
ECONOMY = """在全市上半年经济运行分析会上的讲话
同志们：
今天召开全市上半年经济运行分析会，主要任务是总结上半年经济运行情况，分析当前形势，安排部署下半年经济工作。下面，我讲三点意见。
一、客观看待上半年经济运行形势
上半年，全市地区生产总值完成812.6亿元，同比增长6.2%，高于全省平均水平0.8个百分点，增速居全省第3位。规模以上工业增加值同比增长7.5%，固定资产投资同比增长9.1%，社会消费品零售总额完成326.4亿元，同比增长5.8%。甲县规模以上工业增加值增长11.2%，增速居全市第一；乙县固定资产投资下降3.5%，拉低全市增速0.4个百分点。
同时也要看到，一些指标与年度目标相比还有差距，固定资产投资欠时间进度4.6个百分点，新增“四上”企业只完成年度目标的38%。
二、聚焦重点，全力冲刺下半年目标任务
（一）紧盯目标抓进度。全年地区生产总值力争增长6.5%以上，规模以上工业增加值增长8%以上，固定资产投资增长10%左右，新增“四上”企业100家以上。市发改委要会同市统计局，在8月15日前完成各县（市、区）目标任务分解，逐月调度、按季通报。
（二）狠抓项目建设。今年全市共安排重点项目186个，上半年完成投资213.5亿元。市住建局、市自然资源局要加快项目用地报批，确保三季度末前所有新开工项目全部开工。甲县、乙县要在9月底前完成两个产业园区标准化厂房建设。
（三）推动工业稳增长。市工信局牵头，市财政局、市税务局配合，10月31日前出台支持规上企业满负荷生产的若干措施。市产业链推进办要建立重点产业链“链长”包联机制，年底前实现重点企业走访全覆盖。
（四）扩大有效消费。市商务局要在国庆节前组织开展“消费促进月”活动，社会消费品零售总额全年增长6%以上。
三、压实责任，确保各项工作落到实处
各级各部门要切实增强责任感和紧迫感。市委市政府督查室要把本次会议部署的重点任务纳入督查范围，每月通报进展情况，11月中旬前对各县（市、区）开展一次专项督查。市统计局要加强统计监测，每月10日前报送上月主要经济指标分析。
同志们，完成全年目标任务，时间紧、任务重。我们要坚定信心、真抓实干，确保全年经济社会发展目标圆满完成！
"""

PROJECT_DATE = dt.date(2026, 9, 10)
PROJECT_TITLE = "示范市重点项目建设推进工作分工方案"
PROJECT = """示范市重点项目建设推进工作分工方案
为确保全年重点项目建设目标任务顺利完成，现将有关工作分工如下。
一、加快项目开工。9月底前完成剩余新开工项目手续办理，确保新开工项目开工率达到95%以上（市发改委牵头，市自然资源局、市生态环境局配合）。
二、强化要素保障。年底前争取专项债券资金30亿元以上，优先保障在建项目资金需求（市财政局牵头，市发改委配合）。
三、优化审批服务。10月31日前实现工程建设项目审批全流程网上办理，审批时限压缩至80个工作日以内。（责任单位：市住建局）
四、抓好县区落实。甲县、丙县要在11月底前各谋划储备亿元以上项目20个以上。（牵头单位：甲县人民政府、丙县人民政府）
"""

DEMO_SPEECHES = [(ECONOMY_TITLE, ECONOMY_DATE, ECONOMY), (PROJECT_TITLE, PROJECT_DATE, PROJECT)]


def load_demo(session: Session, actor: Actor, rng: random.Random) -> None:
    """Two demo speeches, parsed and stored as the dispatcher 督查室 uploaded them (待核对)."""
    from diaodu.speech import service

    user = session.scalar(select(User).where(User.username == "diaodu"))
    uploader = actor
    if user is not None:
        uploader = Actor(user_id=user.id, username=user.username, role=user.role, unit_id=user.unit_id,
                         display_name=user.display_name)
    for title, date, text in DEMO_SPEECHES:
        service.create_speech(session, uploader, text=text, meeting_date=date, title=title)
