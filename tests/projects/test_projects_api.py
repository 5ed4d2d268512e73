"""The projects API over the demo city: filing, warnings, a refused import, summary, leads."""

from __future__ import annotations

import base64
import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from diaodu.projects.models import Lead, Project
from tests.support.api import Session as ApiSession


def test_projects_api_flow(api):
    jx, dd, ld = ApiSession(api, "jiaxian"), ApiSession(api, "diaodu"), ApiSession(api, "lingdao")
    own = jx.get("/api/v1/projects").json()
    assert own and {p["region"] for p in own} == {"甲县"}
    assert len(ld.get("/api/v1/projects").json()) == 60
    target = next(p for p in own if p["unit"] == "甲县人民政府")

    # 甲县 files a month; a cumulative above 总投资 is stored with a warning
    big = str(int(target["total_investment"]) + 1)
    r = jx.post(f"/api/v1/projects/{target['id']}/monthly",
                json={"month": "2025-01", "amount": big, "registered": "0", "progress": "主体施工"})
    assert r.status_code == 201, r.text
    assert "超过总投资" in r.json()["warnings"][0]
    r = jx.post(f"/api/v1/projects/{target['id']}/monthly", json={"month": "2025-02", "amount": "-5"})
    assert r.status_code == 422 and "不能为负数" in r.json()["detail"]
    # 乙县 cannot even see it
    assert ApiSession(api, "yixian").post(f"/api/v1/projects/{target['id']}/monthly",
                                          json={"month": "2025-03", "amount": "1"}).status_code == 404

    # a stale version is refused
    detail = dd.get(f"/api/v1/projects/{target['id']}").json()
    assert dd.patch(f"/api/v1/projects/{target['id']}", json={"version": detail["version"] - 1,
                                                              "progress": "x"}).status_code == 409

    # export, break one cell, import: 422 naming the cell, nothing written
    xlsx = dd.get("/api/v1/projects/ledger")
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    wb["项目"]["G2"] = "不存在县"
    buf = io.BytesIO()
    wb.save(buf)
    with api.app_db.session() as s:
        before = s.scalar(select(func.count()).select_from(Project))
    r = dd.post("/api/v1/projects/ledger", json={"filename": "台账.xlsx",
                                                 "content_base64": base64.b64encode(buf.getvalue()).decode()})
    assert r.status_code == 422 and "文件“台账.xlsx”工作表“项目”第2行“县市区”列（G2单元格）" in r.json()["detail"]
    with api.app_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Project)) == before

    summary = ld.get("/api/v1/projects/summary", params={"period": "2026-10", "today": "2026-11-24"}).json()
    assert [r["key"] for r in summary["rows"]] == ["甲县", "乙县", "丙县", "丁区", "戊区", "己县", "庚市", "辛县"]
    assert summary["total"]["projects"] == 60
    assert [r["key"] for r in jx.get("/api/v1/projects/summary", params={"period": "2026-10"}).json()["rows"]] == ["甲县"]

    # a lead advanced through the API shows its audited history
    with api.app_db.session() as s:
        lead = s.scalars(select(Lead).where(Lead.stage == "在谈").order_by(Lead.id)).first()
        lead_id, talk = lead.id, lead.talk_date
    r = dd.post(f"/api/v1/leads/{lead_id}/advance", json={"to_stage": "签约", "date": talk.isoformat()})
    assert r.status_code == 200, r.text
    history = dd.get(f"/api/v1/leads/{lead_id}").json()["history"]
    assert history[-1]["from_stage"] == "在谈" and history[-1]["stage"] == "签约"
    assert history[-1]["username"] == "diaodu"
    rates = ld.get("/api/v1/leads/rates", params={"end": "2026-10-31"}).json()
    assert rates["total"]["signed"] >= 1
