"""plotly.js from the installed `plotly` Python package, as the static file ``vendor/plotly/plotly.min.js``.

Warehouse networks are often closed, so no CDN: this finder lets whitenoise serve the file in the
embedded mode and ``collectstatic`` copy it (hashed, compressed, cached for a year) in production,
always the version pinned in requirements.txt.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.utils import matches_patterns
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_PATH = "vendor/plotly/plotly.min.js"
PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        self.storage = FileSystemStorage(location=str(PACKAGE_DATA))
        self.storage.prefix = "vendor/plotly"  # type: ignore[attr-defined]  # collectstatic's destination folder

    def check(self, **kwargs: object) -> list[CheckMessage]:
        if not (PACKAGE_DATA / "plotly.min.js").is_file():
            return [Error("plotly.min.js is missing from the installed plotly package.", id="kpis.E001")]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        if path != PLOTLY_STATIC_PATH:
            return [] if find_all else None
        found = str(PACKAGE_DATA / "plotly.min.js")
        return [found] if find_all else found

    def list(self, ignore_patterns):
        if not matches_patterns("plotly.min.js", ignore_patterns or []):
            yield "plotly.min.js", self.storage
