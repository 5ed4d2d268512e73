"""Name normalisation shared by alias lookups, importers and the speech parser."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_name(name: str | None) -> str:
    """NFKC (full-width → half-width), no whitespace, Chinese brackets unified."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", str(name))
    text = _SPACES.sub("", text)
    return text.replace("(", "（").replace(")", "）")
