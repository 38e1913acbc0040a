import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role, has_role
from apps.accounts.selectors import sites_visible_to
from apps.core.retention.selectors import retention_overview
from apps.health.checks import readiness
from apps.health.metrics import render_metrics
from apps.health.selectors import first_sync_report
from apps.mirror.selectors import sync_overview, unmapped_warehouses
from apps.mirror.services.webhooks import webhook_answer_times
from apps.outbound.models import OutboundDelivery
from apps.outbound.selectors import outbound_overview
from apps.writeback.pause import outbox_pause, outbox_pause_state, outbox_resume
from apps.writeback.selectors import outbox_entries_visible_to, outbox_overview


@login_not_required
@never_cache
def readyz(request) -> JsonResponse:
    """Readiness of database, Redis and Odoo for load balancers (no login): ready or not, per part.

    Error text, versions and addresses tell an attacker what runs inside: only an admin or the
    metrics token sees them.
    """
    report = readiness()
    if not (_has_metrics_token(request) or (request.user.is_authenticated and has_role(request.user, Role.ADMIN))):
        shown = {
            name: {"ok": check["ok"], "latency_ms": check.get("latency_ms")} for name, check in report["checks"].items()
        }
        report = {**report, "checks": shown}
    return JsonResponse(report, status=200 if report["ready"] else 503)


@role_required(Role.ADMIN, Role.MANAGER)
def integration(request):
    """The integration page; a manager sees the outbox and its failures of their own sites only."""
    context = {
        "report": readiness(),
        "sync": sync_overview(),
        "outbox": outbox_overview(entries=outbox_entries_visible_to(request.user)),
        "unmapped_warehouses": unmapped_warehouses(),
        "webhook_answer": webhook_answer_times(),
        "sync_every_s": settings.MIRROR_SYNC_EVERY_S,
        "first_sync": first_sync_report(),
        "outbound": outbound_overview(_outbound_visible_to(request)),
        # counts over every site: for admins, like /metrics
        "retention": retention_overview() if has_role(request.user, Role.ADMIN) else None,
        "outbox_pause": outbox_pause_state(),
        "can_switch": has_role(request.user, Role.ADMIN),
    }
    return render(request, "health/integration.html", context)


@require_POST
@role_required(Role.ADMIN)
def outbox_pause_view(request):
    """An admin pauses write-back to Odoo (audited), e.g. before restoring a backup."""
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Say why write-back is paused: everyone on this page reads it."))
        return redirect("health:integration")
    outbox_pause(reason=reason, actor=request.user)
    messages.success(request, _("Write-back to Odoo paused: nothing is written until it is resumed."))
    return redirect("health:integration")


@require_POST
@role_required(Role.ADMIN)
def outbox_resume_view(request):
    """An admin lets write-back run again (audited) after checking what after_restore listed."""
    outbox_resume(actor=request.user, note=request.POST.get("note", "").strip()[:300])
    messages.success(request, _("Write-back to Odoo resumed: waiting entries go at the next sweep."))
    return redirect("health:integration")


def _outbound_visible_to(request):
    """Every delivery for an admin; a manager's sites' deliveries otherwise."""
    if has_role(request.user, Role.ADMIN):
        return OutboundDelivery.objects.all()
    return OutboundDelivery.objects.filter(site_code__in=sites_visible_to(request.user).values("code"))


@login_not_required
@never_cache
def metrics(request) -> HttpResponse:
    """Prometheus exposition, for a scraper with the bearer token or a signed-in admin (every site)."""
    if _has_metrics_token(request) or (request.user.is_authenticated and has_role(request.user, Role.ADMIN)):
        body, content_type = render_metrics()
        return HttpResponse(body, content_type=content_type)
    if request.user.is_authenticated:
        return HttpResponse("Metrics cover every site: they are for admins.\n", status=403, content_type="text/plain")
    response = HttpResponse("A bearer token (METRICS_TOKEN) is required.\n", status=401, content_type="text/plain")
    response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


def _has_metrics_token(request) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    expected = settings.METRICS_TOKEN
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(token.encode(), expected.encode())
