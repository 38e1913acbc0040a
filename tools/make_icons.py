"""Draw the web app's icons once (static/icons/icon-192.png and icon-512.png): an SVG rendered by
Debian's Chromium through Playwright (Pillow is not a dependency). Run `.venv/bin/python
tools/make_icons.py` after changing the drawing, and commit the PNGs."""

import os
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
CHROMIUM = os.environ.get("CT_CHROMIUM", "/usr/bin/chromium")

# A control tower on the top bar's navy: a cab with windows over a shaft, in the accent and white.
# Drawn inside the middle 80 % so a "maskable" crop (a circle) keeps all of it.
SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="{size}" height="{size}">
  <rect width="100" height="100" fill="#14202b"/>
  <path d="M30 34 h40 l-6 16 h-28 z" fill="#ffffff"/>
  <rect x="36" y="38" width="8" height="7" fill="#0b63c5"/><rect x="46" y="38" width="8" height="7" fill="#0b63c5"/>
  <rect x="56" y="38" width="8" height="7" fill="#0b63c5"/>
  <rect x="44" y="50" width="12" height="28" fill="#ffffff"/>
  <rect x="34" y="76" width="32" height="5" rx="1" fill="#0b63c5"/>
  <rect x="48.5" y="24" width="3" height="10" fill="#ffffff"/><circle cx="50" cy="23" r="3" fill="#e5484d"/>
</svg>"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for size in (192, 512):
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(f"<body style='margin:0'>{SVG.format(size=size)}</body>")
            page.screenshot(path=str(OUT / f"icon-{size}.png"), clip={"x": 0, "y": 0, "width": size, "height": size})
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
