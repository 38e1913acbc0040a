"""The integrations screen (/settings/integrations/): webhook subscriptions (create with the secret shown once,
rotate, pause, send a test event), the delivery log of a subscription and the dead letters with replay.
Admins only; same services as /api/v1/webhooks/."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.accounts.selectors import sites_visible_to
from apps.integrations.forms import SubscriptionForm
from apps.integrations.models import EventType, WebhookSubscription
from apps.integrations.selectors import (
    deliveries_visible_to,
    sees_every_site,
    subscription_deliveries,
    subscriptions_visible_to,
)
from apps.integrations.services import (
    IntegrationError,
    NewSubscription,
    subscription_create,
    subscription_rotate_secret,
    subscription_update,
    webhook_test_send,
)
from apps.outbound.selectors import dead_letters, outbound_overview
from apps.outbound.services import OutboundError, delivery_replay

LOG_ROWS = 50


def _subscription(request: HttpRequest, subscription_id: int) -> WebhookSubscription:
    found = subscriptions_visible_to(request.user).filter(pk=subscription_id).first()
    if found is None:
        raise Http404("No such webhook subscription on your sites.")
    return found


def _page(
    request: HttpRequest, form: SubscriptionForm, *, created: NewSubscription | None = None, status: int = 200
) -> HttpResponse:
    deliveries = deliveries_visible_to(request.user)
    shown = request.GET.get("log", "")
    log_of = subscriptions_visible_to(request.user).filter(pk=int(shown)).first() if shown.isdigit() else None
    context = {
        "form": form,
        "created": created,
        "subscriptions": subscriptions_visible_to(request.user).order_by("name", "id"),
        "event_labels": dict(EventType.choices),
        "overview": outbound_overview(deliveries),
        "dead": dead_letters(deliveries)[:LOG_ROWS],
        "log_of": log_of,
        "log": subscription_deliveries(log_of)[:LOG_ROWS] if log_of else deliveries[:LOG_ROWS],
    }
    return render(request, "integrations/settings.html", context, status=status)


@never_cache
@role_required(Role.ADMIN)
def settings_page(request: HttpRequest) -> HttpResponse:
    sites = sites_visible_to(request.user)
    if request.method != "POST":
        return _page(request, SubscriptionForm(sites=sites))
    form = SubscriptionForm(request.POST, sites=sites)
    if not form.is_valid():
        return _page(request, form, status=400)
    values = form.cleaned_data
    if values["site"] is None and not sees_every_site(request.user):
        form.add_error("site", "Choose a site.")
        return _page(request, form, status=400)
    once_key = f"webhook_form:{request.user.pk}:{values['once']}"
    if not cache.add(once_key, 1, timeout=24 * 3600):
        messages.info(request, "That subscription was already created; its secret was shown once, when it was made.")
        return redirect("integrations:settings")
    try:
        created = subscription_create(
            name=values["name"], url=values["url"], event_types=values["event_types"], site=values["site"],
            actor=request.user,
        )  # fmt: skip
    except IntegrationError as error:
        cache.delete(once_key)  # nothing was made: the corrected form may be sent again
        form.add_error("url", str(error))
        return _page(request, form, status=400)
    # The secret is in this answer only (never redirected through the session).
    return _page(request, SubscriptionForm(sites=sites), created=created)


@require_POST
@role_required(Role.ADMIN)
def subscription_test(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = _subscription(request, subscription_id)
    webhook_test_send(subscription=subscription, actor=request.user)
    messages.success(request, f"Test event queued for {subscription.name}: see its delivery log.")
    return redirect(reverse("integrations:settings") + f"?log={subscription.pk}#log")


@require_POST
@role_required(Role.ADMIN)
def subscription_toggle(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = _subscription(request, subscription_id)
    subscription_update(subscription=subscription, actor=request.user, is_active=not subscription.is_active)
    messages.success(request, f"{subscription.name} {'resumed' if subscription.is_active else 'paused'}.")
    return redirect("integrations:settings")


@never_cache
@require_POST
@role_required(Role.ADMIN)
def subscription_rotate(request: HttpRequest, subscription_id: int) -> HttpResponse:
    rotated = subscription_rotate_secret(subscription=_subscription(request, subscription_id), actor=request.user)
    sites = sites_visible_to(request.user)
    return _page(request, SubscriptionForm(sites=sites), created=rotated)


@require_POST
@role_required(Role.ADMIN)
def delivery_replay_view(request: HttpRequest, delivery_id: int) -> HttpResponse:
    if not deliveries_visible_to(request.user).filter(pk=delivery_id).exists():
        raise Http404("No such delivery among yours.")
    try:
        delivery_replay(delivery_id=delivery_id, actor_name=request.user.get_username())
    except OutboundError as error:
        messages.warning(request, str(error))
    else:
        messages.success(request, f"Delivery {delivery_id} sent again.")
    return redirect("integrations:settings")
