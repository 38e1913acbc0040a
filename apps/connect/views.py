"""The Odoo connection screen (/settings/odoo/): test, map warehouses, install webhook rules, first sync.

Admins only. Secrets typed here are used for the one request and never stored or rendered back.
"""

from __future__ import annotations

from celery import current_app
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.connect.forms import ConnectionForm, WarehouseMappingForm, WebhookRulesForm
from apps.connect.services.connection import ConnectionInput, connection_test
from apps.connect.services.warehouses import sites_map_warehouses, warehouse_overview
from apps.connect.services.webhooks import (
    WebhookSetupError,
    admin_client,
    intake_url,
    round_trip_check,
    webhook_rules_install,
    webhook_rules_remove,
)
from apps.odoo import setup as odoo_setup
from apps.odoo.config import OdooConfig
from apps.odoo.errors import OdooError

SYNC_ALL_TASK = "mirror.sync_all"


def _configured_client():
    """The connection the environment configures (ODOO_*), with short timeouts for a screen."""
    config = OdooConfig.from_settings()
    return odoo_setup.probe_client(config.with_overrides(timeout_s=min(config.timeout_s, 10.0)))


def _page(request, **extra):
    context = {
        "form": ConnectionForm(
            initial={"url": settings.ODOO_URL, "database": settings.ODOO_DATABASE, "login": settings.ODOO_LOGIN}
        ),
        "rules_form": WebhookRulesForm(initial={"intake_url": request.build_absolute_uri("/")}),
        "configured": {"url": settings.ODOO_URL, "database": settings.ODOO_DATABASE, "login": settings.ODOO_LOGIN},
        "polling_every_s": settings.MIRROR_SYNC_EVERY_S,
        "intake_path": intake_url("").replace(settings.ODOO_WEBHOOK_SECRET, "<ODOO_WEBHOOK_SECRET>"),
        **extra,
    }
    return render(request, "connect/odoo.html", context)


@never_cache
@sensitive_post_parameters("secret", "admin_secret")
@role_required(Role.ADMIN)
def odoo_settings(request):
    """GET: the wizard. POST `test`: try what was typed and show each check with what to do next."""
    if request.method != "POST":
        return _page(request)
    form = ConnectionForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form)
    data = form.cleaned_data
    uses_api_key = data["secret_kind"] == "api_key"  # noqa: S105 (a choice value, not a secret)
    given = ConnectionInput(
        url=data["url"],
        database=data["database"],
        login=data["login"],
        api_key=data["secret"] if uses_api_key else "",
        password="" if uses_api_key else data["secret"],
    )
    report = connection_test(given=given)
    return _page(request, form=ConnectionForm(initial={**data, "secret": ""}), report=report)


@never_cache
@role_required(Role.ADMIN)
def odoo_warehouses(request):
    """Odoo's warehouses next to their sites; POST maps the chosen ones (uses the configured connection)."""
    client = _configured_client()
    try:
        rows = warehouse_overview(client=client)
    except OdooError as exc:
        return _page(request, warehouses_error=str(exc))
    finally:
        client.close()
    choices = [(str(row.warehouse.id), row.warehouse.name) for row in rows]
    mapping_form = WarehouseMappingForm(
        request.POST or None,
        warehouse_choices=choices,
        initial={"warehouses": [str(r.warehouse.id) for r in rows if r.site or r.warehouse.active]},
    )
    if request.method == "POST" and mapping_form.is_valid():
        client = _configured_client()
        try:
            result = sites_map_warehouses(
                client=client,
                warehouse_ids=[int(i) for i in mapping_form.cleaned_data["warehouses"]],
                actor=request.user,
            )
        except OdooError as exc:
            return _page(request, warehouses_error=str(exc))
        finally:
            client.close()
        created = ", ".join(s.code for s in result.created) or "none"
        updated = ", ".join(s.code for s in result.updated) or "none"
        messages.success(request, f"Sites created: {created}; updated: {updated}.")
        for warning in result.warnings:
            messages.warning(request, warning)
        return redirect(reverse("connect:warehouses"))
    return _page(request, warehouse_rows=rows, mapping_form=mapping_form)


@never_cache
@sensitive_post_parameters("admin_secret")
@role_required(Role.ADMIN)
def odoo_webhook_rules(request):
    """POST: install (or, with `remove`, delete) the webhook rules with admin credentials given once."""
    if request.method != "POST":
        return redirect(reverse("connect:odoo"))
    form = WebhookRulesForm(request.POST)
    if "remove" in request.POST:
        form.fields["consent"].required = False  # the consent box is for creating rules
    if not form.is_valid():
        return _page(request, rules_form=form)
    data = form.cleaned_data
    client = admin_client(admin_login=data["admin_login"], admin_secret=data["admin_secret"])
    rules_result = round_trip = None
    try:
        if "remove" in request.POST:
            rules_result = webhook_rules_remove(client=client, actor=request.user)
        else:
            rules_result = webhook_rules_install(client=client, base_url=data["intake_url"], actor=request.user)
            round_trip = round_trip_check(client=_configured_client(), actor=request.user)
    except (WebhookSetupError, OdooError) as exc:
        return _page(request, rules_form=WebhookRulesForm(initial={**data, "admin_secret": ""}), rules_error=str(exc))
    finally:
        client.close()
    return _page(
        request,
        rules_form=WebhookRulesForm(initial={**data, "admin_secret": "", "consent": False}),
        rules_result=rules_result,
        round_trip=round_trip,
    )


@role_required(Role.ADMIN)
def odoo_first_sync(request):
    """POST: queue a sync of every model now; its progress shows on the integration health page."""
    if request.method == "POST":
        current_app.send_task(SYNC_ALL_TASK)
        messages.success(request, "The first sync is queued; its progress shows below, per model.")
    return redirect(reverse("health:integration"))
