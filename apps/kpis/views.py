"""KPI screens for managers: the overview and one page per KPI (charts, tables, CSV, targets)."""

from __future__ import annotations

import csv
from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role, has_role
from apps.kpis.definitions import HOURLY_NOTE, Unit, definition
from apps.kpis.forms import KpiTargetInputSerializer
from apps.kpis.selectors import (
    KPI_ROLES,
    FilterError,
    KpiFilters,
    kpi_charts,
    kpi_overview,
    kpi_sites_for,
    per_person_enabled,
    targets_for,
)
from apps.kpis.services import KpiError, kpi_per_person_set, kpi_target_set
from apps.live.groups import site_group


def _filters(request) -> tuple[KpiFilters, str]:
    try:
        return KpiFilters.from_query(request.GET), ""
    except FilterError as error:
        granularity = "hour" if request.GET.get("granularity") == "hour" else "day"
        return KpiFilters(site_code=request.GET.get("site", "").strip(), granularity=granularity), str(error)


def _page_context(request, filters: KpiFilters, error: str) -> dict:
    sites = list(kpi_sites_for(request.user).order_by("code"))
    first, last = filters.days()
    chosen = [site for site in sites if not filters.site_code or site.code == filters.site_code]
    return {
        "filters": filters,
        "first_day": first,
        "last_day": last,
        "sites": sites,
        "filter_error": error,
        "query": urlencode(filters.query()),
        "live_groups": [site_group(site.code) for site in chosen],
    }


@role_required(*KPI_ROLES)
def overview(request):
    filters, error = _filters(request)
    filters = replace(filters, granularity="day")  # the overview's cards are daily
    context = _page_context(request, filters, error)
    cards = kpi_overview(request.user, filters)
    context["cards"] = cards
    context["sparks"] = {f"spark-{card['kpi'].code}-{card['site'].code}": card["spark"] for card in cards}
    return render(request, "kpis/overview.html", context)


@role_required(*KPI_ROLES)
def detail(request, kpi: str):
    found = definition(kpi)
    if found is None:
        raise Http404("No such KPI.")
    filters, error = _filters(request)
    charts = kpi_charts(request.user, found, filters)
    chart_key = request.GET.get("chart", "")
    if request.GET.get("format") == "csv":
        return _csv(found.code, next((chart for chart in charts if chart.key == chart_key), charts[0]))
    context = _page_context(request, filters, error)
    context.update(
        kpi=found,
        charts=charts,
        charts_json=[chart.as_dict() for chart in charts],
        minutes=found.unit == Unit.DURATION,  # targets of durations are typed in minutes
        target_rows=_target_rows(context["sites"], found),
        snapshot_url=f"{request.path}?{urlencode({**filters.query(), 'partial': 'charts'})}",
        hourly_note=HOURLY_NOTE,
        day_query=urlencode({"site": filters.site_code}),
        hour_query=urlencode({"site": filters.site_code, "granularity": "hour"}),
        per_person=_per_person_rows(request.user, context["sites"], filters) if found.code == PER_PERSON_KPI else [],
    )
    template = "kpis/partials/charts.html" if request.GET.get("partial") == "charts" else "kpis/detail.html"
    return render(request, template, context)


PER_PERSON_KPI = "approval_turnaround"  # the KPI page that shows figures per approver


def _per_person_rows(user, sites, filters: KpiFilters) -> list[dict]:
    """Whether each shown site allows per-approver figures; admins may switch it."""
    chosen = [site for site in sites if not filters.site_code or site.code == filters.site_code]
    can_switch = has_role(user, Role.ADMIN)
    return [{"site": site, "enabled": per_person_enabled(site), "can_switch": can_switch} for site in chosen]


@require_POST
@role_required(Role.ADMIN)
def per_person_set(request):
    """Turn a site's per-approver figures on or off (admins; audited)."""
    site = kpi_sites_for(request.user).filter(code=request.POST.get("site", "")).first()
    if site is None:
        raise Http404("No such site.")
    enabled = request.POST.get("enabled") == "on"
    kpi_per_person_set(user=request.user, site=site, enabled=enabled)
    state = "shown" if enabled else "turned off"
    messages.success(request, f"Figures per approver at {site.code}: {state}.")
    return redirect(reverse("kpis:detail", args=[PER_PERSON_KPI]) + "?" + urlencode({"site": site.code}))


def _target_rows(sites, kpi) -> list[dict]:
    """Each site's current target in the unit its form uses (minutes for durations)."""
    targets = targets_for(sites)
    rows = []
    for site in sites:
        value = targets.get((site.pk, kpi.code))
        if value is not None and kpi.unit == Unit.DURATION:
            value = round(value / 60, 2)
        rows.append({"site": site, "value": value})
    return rows


def _csv(code: str, chart) -> HttpResponse:
    header, rows = chart.table()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code}-{chart.key}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    return response


@require_POST
@role_required(*KPI_ROLES)
def target_set(request, kpi: str):
    """Set a site's target from the KPI page (minutes for durations, as the form says)."""
    found = definition(kpi)
    if found is None:
        raise Http404("No such KPI.")
    raw = request.POST.get("value", "").strip()
    data: dict = {"site": request.POST.get("site", ""), "value": None}
    if raw:
        try:
            data["value"] = float(raw) * (60 if found.unit == Unit.DURATION else 1)
        except ValueError:
            data["value"] = raw  # the serializer says what is wrong
    form = KpiTargetInputSerializer(data=data)
    site = kpi_sites_for(request.user).filter(code=data["site"]).first()
    back = reverse("kpis:detail", args=[found.code]) + "?" + urlencode({"site": data["site"]})
    if site is None:
        raise PermissionDenied("You cannot set targets for that site.")
    if not form.is_valid():
        messages.error(request, "Target: " + " ".join(str(msg) for msgs in form.errors.values() for msg in msgs))
    else:
        try:
            kpi_target_set(user=request.user, site=site, kpi=found.code, value=form.validated_data["value"])
        except KpiError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Target for {found.name} at {site.code} saved.")
    return redirect(back)
