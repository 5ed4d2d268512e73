import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diaodu.speech.cli import app

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
runner = CliRunner()

MINIMUMS = {
    "headings": {"f1": 0.97, "depth": 0.90},
    "tasks": {"f1": 0.80, "units_f1": 0.85, "deadline_date": 0.90},
    "figures": {"f1": 0.85, "indicator": 0.80, "measure": 0.90, "period": 0.75, "region": 0.75},
    "targets": {"f1": 0.70, "indicator": 0.80},
}


def test_parse_file_utf8_bom_gb18030_docx(tmp_path):
    text = "同志们：\n一、抓项目\n市发改委要在10月31日前完成项目入库。"
    for name, data in [("a.txt", ("\ufeff" + text).encode("utf-8")), ("b.txt", text.encode("gb18030"))]:
        p = tmp_path / name
        p.write_bytes(data)
        out = tmp_path / (name + ".json")
        r = runner.invoke(app, ["parse", str(p), "--json", str(out), "--date", "2024-05-01"])
        assert r.exit_code == 0, r.output
        d = json.loads(out.read_text(encoding="utf-8"))
        assert d["tasks"][0]["units"] == ["市发改委"]
        assert d["tasks"][0]["deadline"]["date"] == "2024-10-31"
    import docx

    doc = docx.Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    p = tmp_path / "c.docx"
    doc.save(str(p))
    x = tmp_path / "c.xlsx"
    r = runner.invoke(app, ["parse", str(p), "--xlsx", str(x)])
    assert r.exit_code == 0, r.output
    import openpyxl

    wb = openpyxl.load_workbook(x)
    assert wb.sheetnames == ["任务分解表", "目标", "数据"]
    ws = wb["任务分解表"]
    assert [c.value for c in ws[1]] == ["序号", "任务内容", "牵头单位", "配合单位", "完成时限", "所属章节", "原文位置"]
    assert ws.cell(2, 3).value == "市发改委"


def test_bad_inputs(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_bytes(b"%PDF-1.4")
    r = runner.invoke(app, ["parse", str(p)])
    assert r.exit_code == 2 and "不支持" in r.output
    q = tmp_path / "y.txt"
    q.write_bytes(bytes(range(256)) * 4)
    r = runner.invoke(app, ["parse", str(q)])
    assert r.exit_code == 2
    r = runner.invoke(app, ["parse", str(tmp_path / "missing.txt")])
    assert r.exit_code == 2 and "不存在" in r.output
    r = runner.invoke(app, ["parse", str(p), "--date", "2024-13-01"])
    assert r.exit_code == 2


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="shared eval set not available")
def test_cli_on_dev_gold_meets_minimums(tmp_path):
    _run_and_check(tmp_path, MINIMUMS)


# floors the current rules do meet; guards against regressions while the rest is open
REACHED = {"headings": {"f1": 0.97, "depth": 0.90}, "tasks": {"f1": 0.80, "units_f1": 0.85, "deadline_date": 0.90},
           "figures": {"measure": 0.90}}


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="shared eval set not available")
def test_cli_on_dev_gold_no_regression(tmp_path):
    _run_and_check(tmp_path, REACHED)


def _run_and_check(tmp_path, minimums):
    out = tmp_path / "out"
    r = runner.invoke(app, ["parse", str(SHARED / "corpus"), "--json", str(out)])
    assert r.exit_code == 0, r.output
    res = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--texts", str(SHARED / "corpus"),
                          "--gold", str(SHARED / "eval" / "gold"), "--results", str(out), "--json"],
                         capture_output=True, text=True, check=True)
    summary = json.loads(res.stdout)
    failures = []
    for name, mins in minimums.items():
        for key, floor in mins.items():
            got = summary[name]["f1"] if key == "f1" else summary[name]["fields"].get(key, 0.0)
            if got < floor:
                failures.append(f"{name}.{key} {got:.3f} < {floor}")
    print(json.dumps(summary, ensure_ascii=False))
    assert not failures, failures


def test_text_in_another_encoding_is_refused_not_garbled():
    from diaodu.speech.io import SpeechReadError, decode_bytes

    speech = (SHARED / "corpus").glob("*.txt") if (SHARED / "corpus").exists() else []
    for path in list(speech)[:5]:  # real speeches in GB18030 still read
        text = path.read_text(encoding="utf-8")
        assert decode_bytes(text.encode("gb18030")) == text
    for latin in ("Réunion économique: développement régional, priorités élevées. " * 5,
                  "Überblick über die Wirtschaftslage im März " * 5):
        with pytest.raises(SpeechReadError, match="无法识别文件编码"):
            decode_bytes(latin.encode("latin-1"))
