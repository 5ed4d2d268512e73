"""Checks for progress-report attachments: size and type limits, content sniffing, sha256.

The DB layer stores the bytes (content-addressed by ``sha256`` is natural) and the returned
:class:`AttachmentMeta`; this module only decides whether a file is acceptable.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePosixPath, PureWindowsPath

__all__ = ["AttachmentMeta", "AttachmentPolicy", "AttachmentRejected", "check_attachment"]

# extension -> (MIME type, sniffing rule)
_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml:word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml:xl/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml:ppt/"),
    "doc": ("application/msword", "ole"),
    "xls": ("application/vnd.ms-excel", "ole"),
    "wps": ("application/vnd.ms-works", "ole"),
    "ofd": ("application/ofd", "zip"),
    "jpg": ("image/jpeg", "jpeg"),
    "jpeg": ("image/jpeg", "jpeg"),
    "png": ("image/png", "png"),
    "zip": ("application/zip", "zip"),
    "txt": ("text/plain", "text"),
}
_MAGIC = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "ole": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "zip": (b"PK\x03\x04",),
}


@dataclass(frozen=True)
class AttachmentPolicy:
    max_bytes: int = 20 * 1024 * 1024
    allowed_extensions: frozenset[str] = field(
        default_factory=lambda: frozenset({"pdf", "docx", "xlsx", "doc", "xls", "wps", "ofd", "jpg", "jpeg", "png"})
    )
    max_name_length: int = 120


@dataclass(frozen=True)
class AttachmentMeta:
    filename: str  # cleaned base name
    extension: str
    content_type: str
    size: int
    sha256: str


class AttachmentRejected(ValueError):
    """The message is user-facing Chinese."""


def _clean_name(name: str) -> str:
    base = PureWindowsPath(PurePosixPath(name).name).name  # strip any directory part
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return base


def _sniff_ok(rule: str, data: bytes) -> bool:
    if rule == "text":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in data
    if rule.startswith("ooxml:"):
        if not data.startswith(_MAGIC["zip"]):
            return False
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                names = zf.namelist()
        except zipfile.BadZipFile:
            return False
        prefix = rule.split(":", 1)[1]
        return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)
    return any(data.startswith(m) for m in _MAGIC[rule])


def check_attachment(filename: str, data: bytes, policy: AttachmentPolicy = AttachmentPolicy()) -> AttachmentMeta:
    """Validate one upload; raise :class:`AttachmentRejected` with the reason."""
    name = _clean_name(filename or "")
    if not name:
        raise AttachmentRejected("附件文件名为空")
    if len(name) > policy.max_name_length:
        raise AttachmentRejected(f"附件文件名过长（不超过{policy.max_name_length}个字符）")
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    if ext not in policy.allowed_extensions or ext not in _TYPES:
        allowed = "、".join(sorted(policy.allowed_extensions))
        raise AttachmentRejected(f"不支持的附件类型「{ext or '无扩展名'}」，仅允许：{allowed}")
    size = len(data)
    if size == 0:
        raise AttachmentRejected(f"附件「{name}」是空文件")
    if size > policy.max_bytes:
        raise AttachmentRejected(
            f"附件「{name}」大小为{size / 1024 / 1024:.1f}MB，超过{policy.max_bytes / 1024 / 1024:.0f}MB的上限"
        )
    mime, rule = _TYPES[ext]
    if not _sniff_ok(rule, data):
        raise AttachmentRejected(f"附件「{name}」的内容与扩展名「.{ext}」不符，可能已损坏或被改名")
    return AttachmentMeta(name, ext, mime, size, hashlib.sha256(data).hexdigest())
