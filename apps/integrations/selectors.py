"""Reads for the integrations screen and API: subscriptions and deliveries a user may see, scoped by site."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role, has_role
from apps.accounts.selectors import sites_visible_to
from apps.accounts.token_limits import token_site_ids
from apps.integrations.models import WebhookSubscription
from apps.integrations.services import SOURCE
from apps.mirror.selectors import odoo_link_status
from apps.outbound.models import OutboundDelivery

# Sync counts as stalled when it has failed for this many of its intervals (and at least five minutes).
STALL_INTERVALS = 10


def sees_every_site(user: User | AnonymousUser) -> bool:
    """May see what belongs to every site (subscriptions without a site, sync events): an admin whose
    request is not limited to some sites by its API token."""
    return has_role(user, Role.ADMIN) and token_site_ids(user) is None


def subscriptions_visible_to(user: User | AnonymousUser) -> QuerySet[WebhookSubscription]:
    """The subscriptions of the user's sites (and the all-site ones when the user sees every site)."""
    scope = Q(site__in=sites_visible_to(user))
    if sees_every_site(user):
        scope |= Q(site__isnull=True)
    return WebhookSubscription.objects.filter(scope).select_related("site")


def deliveries_visible_to(user: User | AnonymousUser) -> QuerySet[OutboundDelivery]:
    """Outbound deliveries the user may see: webhooks of visible subscriptions; everything else (chat
    notifications, site-less events) only to those who see every site."""
    codes = list(sites_visible_to(user).values_list("code", flat=True))
    if sees_every_site(user):
        return OutboundDelivery.objects.all()
    refs = [str(pk) for pk in subscriptions_visible_to(user).values_list("pk", flat=True)]
    return OutboundDelivery.objects.filter(source=SOURCE, source_ref__in=refs, site_code__in=codes)


def subscription_deliveries(subscription: WebhookSubscription) -> QuerySet[OutboundDelivery]:
    return OutboundDelivery.objects.filter(source=SOURCE, source_ref=str(subscription.pk))


def sync_stall() -> dict | None:
    """{"failing_since", "error"} while sync from Odoo has failed for a long while, else None."""
    status = odoo_link_status()
    if not status["failing"]:
        return None
    since = status["failing_since"] or status["synced_at"]
    limit = timedelta(seconds=max(300, STALL_INTERVALS * settings.MIRROR_SYNC_EVERY_S))
    if since is not None and timezone.now() - since < limit:
        return None
    return {"failing_since": since.isoformat() if since else "never", "error": status["error"]}
