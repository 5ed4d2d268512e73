"""Reading speech files: UTF-8 (with or without BOM), GB18030, .docx."""
from __future__ import annotations

from pathlib import Path


class SpeechReadError(Exception):
    """A file that cannot be read as a speech; the message is user-facing (Chinese)."""


TEXT_SUFFIXES = {".txt", ".text", ".md", ""}


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8 (BOM removed) or GB18030; raise SpeechReadError for anything else."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise SpeechReadError("文件不是文本格式（含有二进制内容），无法解析。")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise SpeechReadError("无法识别文件编码：仅支持 UTF-8 或 GB18030（GBK）编码的文本。") from exc
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if text and len(cjk) < len(text) * 0.1 or cjk and _common_share(cjk) < 0.8:
        # bytes of another encoding (Latin-1 "café" → "caf閑") decode to rare characters
        raise SpeechReadError("无法识别文件编码：仅支持 UTF-8 或 GB18030（GBK）编码的文本。")
    return text


def _common_share(chars: list[str]) -> float:
    """Share of characters in GB2312 (the 6,763 common ones): nearly all of a real Chinese text."""
    common = 0
    for c in chars:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(chars)


def read_docx(path: Path) -> str:
    try:
        import docx  # python-docx
    except ImportError as exc:  # pragma: no cover
        raise SpeechReadError("读取 .docx 需要安装 python-docx。") from exc
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise SpeechReadError(f"无法打开 Word 文档：{path.name}") from exc
    return "\n".join(p.text for p in document.paragraphs)


def read_speech(path: str | Path) -> str:
    """Text of a speech file (.txt in UTF-8/GB18030, or .docx)."""
    p = Path(path)
    if not p.exists():
        raise SpeechReadError(f"文件不存在：{p}")
    if p.is_dir():
        raise SpeechReadError(f"这是一个文件夹，不是文件：{p}")
    suffix = p.suffix.lower()
    if suffix == ".docx":
        return read_docx(p)
    if suffix not in TEXT_SUFFIXES:
        raise SpeechReadError(f"不支持的文件类型“{suffix}”：仅支持 .txt（UTF-8/GB18030）和 .docx 文件。")
    return decode_bytes(p.read_bytes())


def list_inputs(path: str | Path) -> list[Path]:
    """Files to parse under a folder (.txt and .docx), sorted by name."""
    p = Path(path)
    return sorted(x for x in p.iterdir() if x.is_file() and x.suffix.lower() in (".txt", ".docx"))
