"""Module pages that are not built yet say what will be there."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from diaodu.web.ui.shell import frame, page_actor, signed_in

PLANNED = {
    "monitor": ("/", "驾驶舱", [
        "各县市区主要经济指标的累计值、同比增速、位次与年度目标",
        "序时进度与欠进度提示（红/黄/绿预警），落后指标优先列出",
        "指标排名柱状图、走势与目标轨迹；每个数字可追溯到统计月报卡的单元格"]),
    "speech": ("/speech", "讲话解析", [
        "粘贴或上传领导讲话、分工方案，自动识别标题层级、任务、牵头与配合单位、时限、目标和数据",
        "每一项都标注原文位置，供办公室人员核对、修改后确认",
        "“确认生成任务”后直接进入任务督办台账"]),
    "tasks": ("/tasks", "任务督办", [
        "任务台账：责任领导、牵头单位、配合单位、完成时限，按单位、状态、临期/逾期筛选",
        "签收、进展填报、申请办结、退回、延期审批、销号，全程留痕",
        "临期/逾期提醒（邮件、企业微信、钉钉）与督查通报（Word）"]),
    "projects": ("/projects", "重点项目", [
        "重点项目台账：清单、阶段、联系市领导、总投资、年度计划",
        "月度投资进度、节点、问题清单、统计入库缺口",
        "招商项目从签约到投产的跟踪与履约率、资金到位率"]),
    "reports": ("/reports", "报告", [
        "经济运行分析材料中的标准数据段落，自动由数据生成",
        "督查通报、会议议定事项督办单（Word）与台账（Excel）导出"]),
}


def register(exclude: set[str]) -> None:
    for name, (path, title, bullets) in PLANNED.items():
        if name in exclude:
            continue
        _register(path, title, bullets)


def _register(path: str, title: str, bullets: list[str]) -> None:
    @ui.page(path)
    def _page(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        with frame(page, title, path):
            with ui.card().classes("w-full"):
                ui.label("本模块建设中，上线后这里将提供：").classes("text-gray-600")
                for line in bullets:
                    with ui.row().classes("items-start no-wrap gap-2"):
                        ui.icon("check_circle", color="primary").classes("mt-1")
                        ui.label(line)
        return None
