from pathlib import Path

import pytest

from diaodu.monitor.importer import is_long_template, parse_file, summary_lines
from diaodu.monitor.template import write_template

REAL = Path("/work/shared/data/real/shaoyang-yuebao-2025-01-03.xlsx")


def test_detects_template(tmp_path):
    p = write_template(tmp_path / "t.xlsx")
    assert is_long_template(p)
    assert parse_file(p).observations == []


@pytest.mark.filterwarnings("ignore")
def test_detects_yuebao_and_summarises():
    if not REAL.exists():
        pytest.skip("real workbook not available")
    assert not is_long_template(REAL)
    res = parse_file(REAL)
    lines = summary_lines(res)
    assert lines[0].startswith("文件“shaoyang-yuebao-2025-01-03.xlsx”：可导入 335 条数据，错误 0 条")
    assert any("工作表“工业处2”：2025年1-2月" in line and "含公布排名 12 个" in line for line in lines)
    assert any(line.startswith("  跳过工作表“工业8”") for line in lines)
