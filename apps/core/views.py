"""Pages every app shares: the web app manifest that makes Control Tower installable on a phone."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

MANIFEST_CONTENT_TYPE = "application/manifest+json"
THEME_COLOUR = "#14202b"  # the top bar's navy (static/css/app.css)


# Public: browsers fetch a manifest without the session cookie. It names the app and its icons, no data.
@login_not_required
@require_GET
@cache_control(max_age=3600, public=True)
def web_manifest(request: HttpRequest) -> JsonResponse:
    """The installable web app. There is no service worker: nothing works offline, so no decision
    is ever queued on a phone to be sent later; every approval goes to the server when it is made."""
    manifest = {
        "name": _("Control Tower"),
        "short_name": _("Tower"),
        "description": _("Exceptions, approvals and docks of your warehouses, live."),
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f6f8",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
            for size in (192, 512)
        ]
        + [{"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"}],
    }
    return JsonResponse(manifest, content_type=MANIFEST_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
