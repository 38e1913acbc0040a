from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.health.checks import readiness
from apps.mirror.selectors import sync_overview
from apps.writeback.selectors import outbox_overview


@login_not_required
@never_cache
def readyz(request) -> JsonResponse:
    """Readiness of database, Redis and Odoo, for load balancers and operators (no login)."""
    report = readiness()
    return JsonResponse(report, status=200 if report["ready"] else 503)


@role_required(Role.ADMIN, Role.MANAGER)
def integration(request):
    context = {"report": readiness(), "sync": sync_overview(), "outbox": outbox_overview()}
    return render(request, "health/integration.html", context)
