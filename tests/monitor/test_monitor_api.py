"""API flow: upload (dry run, then real), board, provenance, manual entry, targets, paragraph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.api import Session as ApiSession

REAL = Path("/work/shared/data/real/shaoyang-yuebao-2025-01-03.xlsx")
CSV = "地区,指标,期间,数值,增速\n甲县,出口,2024-04,5.5,12.3\n乙县,出口,2024-04,3.1,-2.0\n丙县,出口,2024-04,4.2,7.7\n"


def test_api_flow(api):
    d = ApiSession(api, "diaodu")
    files = {"file": ("出口.csv", CSV.encode(), "text/csv")}
    dry = d.post("/api/v1/monitor/imports", params={"dry_run": True}, files=files)
    assert dry.status_code == 201, dry.text
    assert dry.json()["dry_run"] and dry.json()["counts"]["new"] == 3
    assert d.get("/api/v1/monitor/board", params={"period": "2024-04"}).json()["rows"] == []
    real = d.post("/api/v1/monitor/imports", files=files)
    assert real.status_code == 201 and real.json()["batch_id"]
    rows = d.get("/api/v1/monitor/board", params={"period": "2024-04"}).json()["rows"]
    assert [(r["region"], r["rank"]) for r in rows] == [("甲县", 1), ("乙县", 3), ("丙县", 2)]
    assert rows[0]["source"] == "出口.csv:B2" or rows[0]["source"].startswith("出口.csv")

    bad = d.post("/api/v1/monitor/imports", files={"file": ("坏.csv", "地区,指标,期间,数值\n甲县,出口,2024-13,1\n".encode(),
                                                            "text/csv")})
    assert bad.status_code == 422 and "坏.csv" in bad.json()["detail"] and "第2行" in bad.json()["detail"]

    jia = rows[0]["region_id"]
    ind = rows[0]["indicator_id"]
    reporter = ApiSession(api, "jiaxian")
    typed = reporter.post("/api/v1/monitor/observations", json={"region_id": jia, "indicator_id": ind, "year": 2024,
                                                                "month": 4, "value": 5.6, "growth": 13.0})
    assert typed.status_code == 201, typed.text
    detail = ApiSession(api, "lingdao").get(f"/api/v1/monitor/observations/{typed.json()['id']}").json()
    assert detail["provenance"]["kind"] == "user" and len(detail["history"]) == 2
    assert detail["history"][1]["provenance"]["file"] == "出口.csv"

    t = d.post("/api/v1/monitor/targets", json={"region_id": jia, "indicator_id": ind, "year": 2024,
                                                "text": "增长15%左右"})
    assert t.status_code == 201 and t.json()["kind"] == "growth" and t.json()["qualifier"] == "~"
    stale = d.patch(f"/api/v1/monitor/targets/{t.json()['id']}", json={"value": 14, "version": 99})
    assert stale.status_code == 409
    ok = d.patch(f"/api/v1/monitor/targets/{t.json()['id']}", json={"value": 14, "version": t.json()["version"]})
    assert ok.status_code == 200 and ok.json()["value"] == 14
    row = next(r for r in d.get("/api/v1/monitor/board", params={"period": "2024-04"}).json()["rows"]
               if r["region_id"] == jia)
    assert row["target"] == "增长14%左右" and row["schedule_gap"] == -1.0 and row["colour"] == "yellow"
    para = d.get("/api/v1/monitor/paragraph", params={"period": "2024-04", "region": "甲", "indicator": "出口总额"})
    assert para.status_code == 200 and para.json()[0]["text"].startswith("1-4月，甲县出口同比增长13.0%")
    assert para.json()[0]["spans"][0]["ref"] == str(typed.json()["id"])
    assert d.get("/api/v1/monitor/board", params={"period": "2024-4x"}).status_code == 422


@pytest.mark.skipif(not REAL.exists(), reason="real workbook not available")
def test_cli_fresh_install_takes_the_real_workbook(cli_env, tmp_path):
    from typer.testing import CliRunner

    from diaodu.cli import app

    runner = CliRunner()

    def run(*args):
        result = runner.invoke(app, list(args), env=cli_env)
        return result

    assert run("init", "--admin-password", "Guanli@12345").exit_code == 0
    refused = run("monitor", "import", str(REAL))
    assert refused.exit_code == 1 and "找不到" in refused.output and "--create-regions" in refused.output
    done = run("monitor", "import", str(REAL), "--create-regions", "--parent", "邵阳市")
    assert done.exit_code == 0, done.output
    assert "已新增 335 条" in done.output
    board = run("monitor", "board", "--period", "2025-03", "--json")
    data = json.loads(board.output)
    assert data["period"] == "2025-03"
    keys = {"region", "indicator", "period", "value", "unit", "growth", "rank", "published_rank", "rank_change",
            "target", "completion", "schedule_gap", "colour", "source"}
    assert keys <= set(data["rows"][0])
    published = [r for r in data["rows"] if r["published_rank"] is not None]
    assert len(published) == 192 and all(r["rank"] == r["published_rank"] for r in published)
    para = run("monitor", "paragraph", "--period", "2025-03", "--region", "邵阳市", "--indicator", "规模工业增加值")
    assert para.output.startswith("1-3月，全市规模工业增加值同比增长8.8%")
    out = tmp_path / "模板.xlsx"
    assert run("monitor", "template", str(out)).exit_code == 0 and out.exists()
    sheet = tmp_path / "监测表.xlsx"
    written = run("monitor", "board", "--period", "2025-03", "--region", "邵阳市", "--xlsx", str(sheet))
    assert written.exit_code == 0 and "已写出" in written.output
    import openpyxl

    ws = openpyxl.load_workbook(sheet)["指标监测表"]
    header = [c.value for c in ws[2]]
    rows = [dict(zip(header, (c.value for c in r))) for r in ws.iter_rows(min_row=3)]
    published = [r for r in rows if r["公布位次"] is not None]
    assert len(published) == 192 and all(r["位次"] == r["公布位次"] for r in published)
    assert all("shaoyang-yuebao-2025-01-03.xlsx" in r["来源"] for r in published)


def test_board_xlsx_is_the_board_with_sources(api):
    import io

    import openpyxl

    leader = ApiSession(api, "lingdao")
    board = leader.get("/api/v1/monitor/board", params={"period": "2026-03", "region": "示范市"}).json()
    r = leader.get("/api/v1/monitor/board.xlsx", params={"period": "2026-03", "region": "示范市"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(r.content))["指标监测表"]
    assert ws["A1"].value == "示范市主要经济指标监测表（2026年1-3月）"
    header = [c.value for c in ws[2]]
    rows = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=3)]
    assert len(rows) == len(board["rows"]) > 0
    for got, want in zip(rows, board["rows"]):
        assert (got["地区"], got["指标"], got["位次"], got["来源"]) == \
            (want["region"], want["indicator"], want["rank"], want["source"])
        assert got["同比增速(%)"] == want["growth"] and got["预警"] == {"red": "红", "yellow": "黄", "green": "绿",
                                                                      None: None}[want["colour"]]
