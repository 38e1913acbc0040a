"""The one place that picks a site's text provider."""

from __future__ import annotations

from apps.advisor.providers.base import TextProvider
from apps.advisor.providers.chat import configured
from apps.advisor.providers.external import ExternalProvider
from apps.advisor.providers.local import LOCAL


def provider_for(*, external_enabled: bool) -> TextProvider:
    """External when an admin enabled it for the site and a model is configured; local otherwise."""
    if external_enabled and configured():
        return ExternalProvider()
    return LOCAL
