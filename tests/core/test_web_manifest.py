"""The web app manifest: public, served as application/manifest+json, linked from every desk page,
with the icons a phone needs (192 and 512 px PNGs that exist)."""

import json

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_manifest_is_public_and_says_how_to_install(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Control Tower" and manifest["short_name"]
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone" and manifest["theme_color"]
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        path = finders.find(icon["src"].split("/static/", 1)[1])
        assert path, icon["src"]
        with open(path, "rb") as png:
            assert png.read(8) == b"\x89PNG\r\n\x1a\n"


def test_pages_link_the_manifest_and_no_service_worker(client, supervisor):
    """No service worker: nothing is cached or queued on a phone, every decision goes to the server."""
    login = client.get("/accounts/login/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in login
    client.force_login(supervisor)
    page = client.get("/approvals/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page and "serviceWorker" not in page
