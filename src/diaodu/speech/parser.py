"""Pipeline: normalise, split, then run each extractor on the same offsets."""
from __future__ import annotations

import datetime as dt
from typing import Callable

from .model import Extraction
from .normalise import normalise, paragraphs, strip_bom
from .structure import find_headings
from .tasks import find_tasks
from .figures import find_quantities


def parse(text: str, meeting_date: dt.date | None = None,
          unit_resolver: Callable[[str], int | None] | None = None, doc: str = "") -> Extraction:
    text = strip_bom(text or "")
    norm = normalise(text)
    paras = paragraphs(norm)
    ex = Extraction(text=text, doc=doc)
    ex.headings = find_headings(text, norm, paras)
    ex.tasks = find_tasks(text, norm, paras, ex.headings, meeting_date, unit_resolver)
    ex.targets, ex.figures = find_quantities(text, norm, paras, [h.start for h in ex.headings])
    return ex
