"""Speech parser: headings, tasks, targets and figures from a leader's speech."""
from .parser import parse
from .model import Extraction

__all__ = ["parse", "Extraction"]
