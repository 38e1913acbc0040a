"""Advisor screens: the advisor page (/advisor/: run log, acceptance rate, calibration; managers and admins),
the recommendation panel shown on case and approval screens (through apps/core/panels.py), one-click
accept/reject (the same services as the API), and the per-site settings (/settings/advisor/, admins)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.decorators import role_required
from apps.accounts.roles import APPROVER_ROLES, Role
from apps.accounts.selectors import sites_visible_to
from apps.advisor.errors import AdvisorError
from apps.advisor.governance import setting_for
from apps.advisor.models import AdvisorName, Mode, Outcome
from apps.advisor.selectors import (
    LogFilters,
    acceptance_rates_for,
    delay_risk_calibration,
    recommendation_list,
    recommendations_for_key,
    recommendations_for_record,
    run_log,
)
from apps.advisor.services import advisor_setting_save, can_decide, recommendation_accept, recommendation_reject

if TYPE_CHECKING:
    from apps.accounts.models import User

DESK = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, *APPROVER_ROLES)
RUNS_PER_PAGE = 50


# -- the panel on record screens -----------------------------------------------------------------
def recommendation_panel(request: HttpRequest, subject: Any) -> str:
    """Registered in apps/core/panels.py: the recommendations about a case or an approval request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    found = recommendations_for_record(user, subject)
    if not found:
        return ""
    return render_to_string(
        "advisor/partials/panel.html",
        {"recommendations": [(r, can_decide(user, r)) for r in found], "next": request.get_full_path()},
        request=request,
    )


@role_required(*DESK)
@require_GET
def panel_fragment(request: HttpRequest) -> HttpResponse:
    """The same panel as a fragment: ?subject=<app_label.model>:<pk> or ?key=<subject key>."""
    subject_param = request.GET.get("subject", "")
    key = request.GET.get("key", "").strip()[:200]
    found = []
    if subject_param:
        label, _sep, pk = subject_param.partition(":")
        app_label, _dot, model = label.partition(".")
        try:
            model_class = ContentType.objects.get_by_natural_key(app_label, model).model_class()
        except ContentType.DoesNotExist:
            raise Http404("Unknown subject type.") from None
        if model_class is None or not pk.isdigit():
            raise Http404("Unknown subject.")
        subject = model_class._default_manager.filter(pk=int(pk)).first()
        if subject is None:
            raise Http404("Unknown subject.")
        found = recommendations_for_record(request.user, subject)
    elif key:
        found = recommendations_for_key(request.user, key)
    response = render(
        request,
        "advisor/partials/panel.html",
        {"recommendations": [(r, can_decide(request.user, r)) for r in found], "next": request.GET.get("next", "")},
    )
    response["Cache-Control"] = "no-store"
    return response


def _person(request: HttpRequest) -> User:
    """The signed-in user (role_required has let only signed-in people through)."""
    return cast("User", request.user)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/advisor/"


@role_required(*DESK)
@require_POST
def accept(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    try:
        recommendation = recommendation_accept(
            recommendation_id=recommendation_id, user=_person(request), reason=request.POST.get("reason", "")
        )
    except AdvisorError as exc:
        if exc.status == 404:
            raise Http404(str(exc)) from None
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Accepted: %(title)s") % {"title": recommendation.title})
    return redirect(_back(request))


@role_required(*DESK)
@require_POST
def reject(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    try:
        recommendation = recommendation_reject(
            recommendation_id=recommendation_id, user=_person(request), reason=request.POST.get("reason", "")
        )
    except AdvisorError as exc:
        if exc.status == 404:
            raise Http404(str(exc)) from None
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Rejected: %(title)s") % {"title": recommendation.title})
    return redirect(_back(request))


# -- the advisor page ----------------------------------------------------------------------------
@role_required(Role.MANAGER, Role.ADMIN)
@require_GET
def advisor_page(request: HttpRequest) -> HttpResponse:
    filters = LogFilters.from_query(request.GET)
    page = Paginator(run_log(request.user, filters).select_related("site"), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    calibration = delay_risk_calibration(request.user, site_code=filters.site)
    chart = [
        {
            "site": entry["site"],
            "predicted": [row["predicted"] for row in entry["metrics"].get("calibration", [])],
            "observed": [row["observed"] for row in entry["metrics"].get("calibration", [])],
        }
        for entry in calibration
        if entry["metrics"].get("calibration")
    ]
    query = {
        k: v for k, v in {"site": filters.site, "advisor": filters.advisor, "outcome": filters.outcome}.items() if v
    }
    context = {
        "filters": filters,
        "sites": sites_visible_to(request.user),
        "advisors": AdvisorName.choices,
        "outcomes": Outcome.choices,
        "rates": acceptance_rates_for(request.user, site_code=filters.site),
        "runs": page,
        "open_recommendations": list(
            recommendation_list(request.user, LogFilters(site=filters.site, advisor=filters.advisor, outcome="open"))[
                :10
            ]
        ),
        "calibration": calibration,
        "calibration_chart": chart,
        "query": "&".join(f"{k}={v}" for k, v in query.items()),
    }
    return render(request, "advisor/page.html", context)


# -- per-site settings ---------------------------------------------------------------------------
@role_required(Role.ADMIN)
def settings_page(request: HttpRequest) -> HttpResponse:
    sites = sites_visible_to(request.user)
    site = (
        get_object_or_404(sites, code=request.GET.get("site") or request.POST.get("site") or "")
        if (request.GET.get("site") or request.POST.get("site"))
        else sites.first()
    )
    if site is None:
        raise Http404("There is no site to configure yet.")
    if request.method == "POST":
        advisor = request.POST.get("advisor", "")
        try:
            threshold = float(request.POST.get("auto_apply_min_confidence", "0.9"))
        except ValueError:
            threshold = -1.0  # refused by the service with its message
        try:
            advisor_setting_save(
                site=site,
                advisor=advisor,
                actor=_person(request),
                enabled=request.POST.get("enabled") == "on",
                mode=request.POST.get("mode", Mode.ADVISORY),
                auto_apply_min_confidence=threshold,
                external_provider_enabled=request.POST.get("external_provider_enabled") == "on",
            )
        except AdvisorError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Saved the %(advisor)s advisor at %(site)s.")
                % {"advisor": AdvisorName(advisor).label, "site": site.code},
            )
        return redirect(f"{request.path}?site={site.code}")
    rows = [(value, label, setting_for(site=site, advisor=value)) for value, label in AdvisorName.choices]
    return render(request, "advisor/settings.html", {"site": site, "sites": sites, "rows": rows, "modes": Mode.choices})
