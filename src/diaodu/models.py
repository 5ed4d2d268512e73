"""Imports every module's models so that metadata (Alembic, tests) sees all tables."""

from diaodu.core.models import *  # noqa: F401,F403
from diaodu.projects.models import *  # noqa: F401,F403
from diaodu.monitor.models import *  # noqa
from diaodu.tasks.models import *  # noqa: F401,F403
from diaodu.speech.models import *  # noqa: F401,F403
