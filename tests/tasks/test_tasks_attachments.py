import hashlib
import io
import zipfile

import pytest

from diaodu.tasks.attachments import AttachmentPolicy, AttachmentRejected, check_attachment
from diaodu.tasks.ledger import write_template


def test_pdf_ok_with_sha256():
    data = b"%PDF-1.7\n..."
    meta = check_attachment("C:\\Users\\张三\\进展材料.PDF", data)
    assert meta.filename == "进展材料.PDF" and meta.extension == "pdf" and meta.content_type == "application/pdf"
    assert meta.size == len(data) and meta.sha256 == hashlib.sha256(data).hexdigest()


def test_xlsx_sniffed_as_ooxml(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    assert check_attachment("台账.xlsx", path.read_bytes()).extension == "xlsx"
    with pytest.raises(AttachmentRejected, match="内容与扩展名「.docx」不符"):
        check_attachment("台账.docx", path.read_bytes())


def test_rejections():
    with pytest.raises(AttachmentRejected, match="不支持的附件类型「exe」"):
        check_attachment("run.exe", b"MZ")
    with pytest.raises(AttachmentRejected, match="无扩展名"):
        check_attachment("README", b"x")
    with pytest.raises(AttachmentRejected, match="空文件"):
        check_attachment("a.pdf", b"")
    with pytest.raises(AttachmentRejected, match="超过1MB的上限"):
        check_attachment("a.pdf", b"%PDF-" + b"0" * 2_000_000, AttachmentPolicy(max_bytes=1024 * 1024))
    with pytest.raises(AttachmentRejected, match="内容与扩展名「.jpg」不符"):
        check_attachment("photo.jpg", b"%PDF-1.4")
    with pytest.raises(AttachmentRejected, match="文件名为空"):
        check_attachment("../", b"%PDF-")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "x")
    with pytest.raises(AttachmentRejected, match="不符"):
        check_attachment("fake.docx", buf.getvalue())


def test_path_parts_are_stripped():
    assert check_attachment("../../etc/现场照片.png", b"\x89PNG\r\n\x1a\n....").filename == "现场照片.png"
