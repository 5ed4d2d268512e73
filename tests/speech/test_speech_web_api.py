"""The speech API on both databases: upload (JSON text, .docx, GB18030, BOM), bad files, read back,
review with optimistic locking and grounding checks, confirm into ledger tasks, demo speeches."""

from __future__ import annotations

import copy
import io

import pytest

from tests.support.api import Session as ApiSession

TEXT = """在全市重点工作推进会上的讲话
同志们：
一、抓好项目建设
市发改委要在10月31日前完成全市重点项目年度计划调整，全年固定资产投资增长10%以上。
市统计局、市工信局要加强监测，每月10日前报送主要指标分析。
上半年全市地区生产总值同比增长6.2%。
"""


@pytest.fixture
def clerk(api):
    return ApiSession(api, "diaodu")


def _post_text(clerk, text=TEXT, **extra):
    r = clerk.post("/api/v1/speeches", json={"text": text, "meeting_date": "2026-07-01", **extra})
    assert r.status_code == 201, r.text
    return r.json()


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_post_text_and_read_back(clerk):
    got = _post_text(clerk, title="推进会讲话")
    assert got["title"] == "推进会讲话" and got["status"] == "draft" and got["version"] == 1
    ex = got["extraction"]
    assert got["counts"]["tasks"] == len(ex["tasks"]) >= 2
    first = ex["tasks"][0]
    assert first["units"] == ["市发改委"] and first["deadline"]["date"] == "2026-10-31"
    assert first["unit_ids"], "a unit of the demo org tree carries its id"
    for name in ("headings", "tasks", "targets", "figures"):
        for rec in ex[name]:
            assert got["text"][rec["start"]:rec["end"]] == rec["quote"]
    again = clerk.get(f"/api/v1/speeches/{got['id']}").json()
    assert again["extraction"] == ex and again["text"] == TEXT
    listed = clerk.get("/api/v1/speeches").json()
    assert got["id"] in {s["id"] for s in listed}
    assert "text" not in listed[0]
    # The demo speeches are seeded.
    titles = {s["title"] for s in listed}
    assert "在全市上半年经济运行分析会上的讲话" in titles and "示范市重点项目建设推进工作分工方案" in titles
    demo = next(s for s in listed if s["title"] == "在全市上半年经济运行分析会上的讲话")
    assert demo["counts"]["tasks"] >= 5 and demo["counts"]["targets"] >= 3 and demo["counts"]["figures"] >= 5


def test_upload_files_and_bad_files(clerk):
    assert _post_text(clerk)["title"] == "在全市重点工作推进会上的讲话"  # title from the first line
    for name, data in [("讲话.txt", TEXT.encode("gb18030")), ("讲话.txt", b"\xef\xbb\xbf" + TEXT.encode("utf-8")),
                       ("讲话.docx", _docx(TEXT.strip().splitlines()))]:
        r = clerk.post("/api/v1/speeches", files={"file": (name, data)}, data={"meeting_date": "2026-07-01"})
        assert r.status_code == 201, r.text
        got = r.json()
        assert got["text"].strip() == TEXT.strip()
        assert not got["text"].startswith("\ufeff")
        assert got["source_name"] == name and got["title"] == "讲话"
        assert got["meeting_date"] == "2026-07-01"
        assert any(t["units"] == ["市发改委"] for t in got["extraction"]["tasks"])

    before = len(clerk.get("/api/v1/speeches").json())
    for name, data, words in [
        ("junk.txt", bytes(range(256)) * 8, "二进制"),
        ("讲话.pdf", b"%PDF-1.4 whatever", "不支持的文件类型"),
        ("讲话.docx", b"PK\x03\x04 not really a zip", "无法打开 Word 文档"),
        ("空.txt", b"", "空"),
    ]:
        r = clerk.post("/api/v1/speeches", files={"file": (name, data)})
        assert r.status_code == 422, r.text
        assert words in r.json()["detail"]
    r = clerk.post("/api/v1/speeches", json={"meeting_date": "2026-07-01"})
    assert r.status_code == 422 and "text" in r.json()["detail"]
    r = clerk.post("/api/v1/speeches", json={"text": "   \n"})
    assert r.status_code == 422 and "为空" in r.json()["detail"]
    r = clerk.post("/api/v1/speeches", files={"file": ("a.txt", TEXT.encode())}, data={"meeting_date": "7月1日"})
    assert r.status_code == 422 and "会议日期" in r.json()["detail"]
    assert len(clerk.get("/api/v1/speeches").json()) == before


def test_review_versions_and_grounding(clerk):
    got = _post_text(clerk)
    sid, ex = got["id"], copy.deepcopy(got["extraction"])
    ex["tasks"][0]["lead"] = ["市工信局"]
    ex["tasks"][0]["units"] = ["市工信局"]
    del ex["tasks"][1]
    ok = clerk.request("PUT", f"/api/v1/speeches/{sid}/review", json={"version": 1, "extraction": ex})
    assert ok.status_code == 200, ok.text
    saved = ok.json()
    assert saved["version"] == 2 and saved["status"] == "reviewed"
    assert saved["reviewed"]["tasks"][0]["lead"] == ["市工信局"]
    assert saved["reviewed"]["tasks"][0]["unit_ids"] and saved["reviewed"]["tasks"][0]["unit_ids"] != \
        got["extraction"]["tasks"][0]["unit_ids"]
    assert len(saved["reviewed"]["tasks"]) == len(got["extraction"]["tasks"]) - 1
    assert saved["extraction"] == got["extraction"], "the parser output is kept unchanged"

    stale = clerk.request("PUT", f"/api/v1/speeches/{sid}/review", json={"version": 1, "extraction": ex})
    assert stale.status_code == 409 and "版本" in stale.json()["detail"]

    bad = dict(ex, tasks=[*ex["tasks"], {"quote": "这句话不在讲话里", "units": ["市财政局"]}])
    r = clerk.request("PUT", f"/api/v1/speeches/{sid}/review", json={"version": 2, "extraction": bad})
    assert r.status_code == 422 and "找不到" in r.json()["detail"] and "任务第" in r.json()["detail"]
    assert clerk.get(f"/api/v1/speeches/{sid}").json()["version"] == 2

    # A row added by typing a quote (no offsets) or with stale offsets is located in the text.
    quote = "上半年全市地区生产总值同比增长6.2%"
    added = dict(ex, figures=[{"quote": quote, "indicator": "地区生产总值", "measure": "growth", "value": "6.2",
                               "unit": "%"}],
                 headings=[{"quote": "一、抓好项目建设", "start": 0, "end": 3, "depth": 1}])
    r = clerk.request("PUT", f"/api/v1/speeches/{sid}/review", json={"version": 2, "extraction": added})
    assert r.status_code == 200, r.text
    fig = r.json()["reviewed"]["figures"][0]
    assert TEXT[fig["start"]:fig["end"]] == quote and fig["value"] == 6.2
    head = r.json()["reviewed"]["headings"][0]
    assert TEXT[head["start"]:head["end"]] == "一、抓好项目建设"

    wrong_date = dict(ex)
    wrong_date["tasks"] = [dict(ex["tasks"][0], deadline={"quote": "10月31日前", "date": "10/31"})]
    r = clerk.request("PUT", f"/api/v1/speeches/{sid}/review", json={"version": 3, "extraction": wrong_date})
    assert r.status_code == 422 and "YYYY-MM-DD" in r.json()["detail"]


def test_confirm_creates_ledger_tasks(clerk, api):
    got = _post_text(clerk)
    sid = got["id"]
    r = clerk.post(f"/api/v1/speeches/{sid}/confirm", json={})
    assert r.status_code == 422 and "请先保存核对结果" in r.json()["detail"]
    saved = clerk.request("PUT", f"/api/v1/speeches/{sid}/review",
                          json={"version": 1, "extraction": got["extraction"]}).json()
    r = clerk.post(f"/api/v1/speeches/{sid}/confirm", json={"version": saved["version"]})
    assert r.status_code == 200, r.text
    result = r.json()["result"]
    assert r.json()["speech"]["status"] == "confirmed" and result["created"]
    tasks = clerk.get("/api/v1/tasks", params={"speech_id": sid}).json()
    items = tasks["items"] if isinstance(tasks, dict) else tasks
    assert {t["id"] for t in items} >= set(result["created"])
    task = next(t for t in items if t["id"] == result["created"][0])
    assert task["source_speech_id"] == sid and task["lead_unit"] == "市发展和改革委员会"
    assert TEXT[task["source_start"]:task["source_end"]].startswith("市发改委要在10月31日前")
    again = clerk.post(f"/api/v1/speeches/{sid}/confirm", json={})
    assert again.status_code == 409
    edit = clerk.request("PUT", f"/api/v1/speeches/{sid}/review", json={"extraction": got["extraction"]})
    assert edit.status_code == 409


def test_confirm_without_task_module(clerk, monkeypatch):
    from diaodu.speech import service as svc

    monkeypatch.setattr(svc, "_task_creator", lambda: None)
    got = _post_text(clerk)
    assert clerk.get(f"/api/v1/speeches/{got['id']}").json()["tasks_module"] is False
    clerk.request("PUT", f"/api/v1/speeches/{got['id']}/review", json={"extraction": got["extraction"]})
    r = clerk.post(f"/api/v1/speeches/{got['id']}/confirm", json={})
    assert r.status_code == 422 and r.json()["detail"] == "任务督办模块尚未启用"


def test_everyone_reads_only_dispatchers_write(api):
    clerk = ApiSession(api, "diaodu")
    sid = _post_text(clerk)["id"]
    for username in ("lingdao", "jiaxian", "fagaiwei"):
        user = ApiSession(api, username)
        assert user.get(f"/api/v1/speeches/{sid}").status_code == 200
        assert user.post("/api/v1/speeches", json={"text": TEXT}).status_code == 403
        assert user.request("PUT", f"/api/v1/speeches/{sid}/review", json={"extraction": {}}).status_code == 403
    assert clerk.get("/api/v1/speeches/999999").status_code == 404


def test_highlight_html_escapes_and_keeps_offsets():
    from diaodu.speech.pages import highlight_html

    text = "一、<b>标题</b>\n市发改委要在6月底前完成&落实。"
    ex = {"headings": [{"quote": "一、<b>标题</b>", "start": 0, "end": 11, "depth": 1}],
          "tasks": [{"quote": "市发改委要在6月底前完成&落实", "start": 12, "end": 28, "units": ["市发改委"],
                     "deadline": {"quote": "6月底前", "start": 18, "end": 22, "date": "XXXX-06-30"}}]}
    out = highlight_html(text, ex)
    assert "<b>" not in out and "&lt;b&gt;" in out and "&amp;落实" in out
    assert 'data-o="12" class="sp-task sp-unit"' in out
    assert 'class="sp-task sp-dl">6月底前<' in out
    assert 'id="rec-tasks-0"' in out and 'id="rec-headings-0"' in out
