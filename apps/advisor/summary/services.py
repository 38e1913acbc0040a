"""The shift-start summary: written once per site and shift, stored in the advisor's run log, shown on
/advisor/summary/<site>/ and mailed to whoever is on call at the site (when escalation knows anyone).

The local template writes it; where an admin enabled the external model for the site's shift summary,
the model may rewrite it in prose, and the template's text is used whenever the model fails.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.advisor.governance import setting_for
from apps.advisor.models import AdvisorName, AdvisorRun, Outcome
from apps.advisor.providers.base import ShiftSummaryText
from apps.advisor.providers.choose import provider_for
from apps.advisor.services import run_record
from apps.advisor.summary.facts import shift_summary_facts
from apps.advisor.summary.render import VERSION
from apps.core.on_call import on_call_emails
from apps.sites.models import Site
from apps.sites.selectors import ShiftWindow, site_shift_at

logger = logging.getLogger(__name__)

# A summary is written in the first minutes of a shift; after this long (beat down, say) the shift is
# under way and a late summary would be read as the next one's.
CATCH_UP = timedelta(minutes=30)


def summary_key(site: Site, shift: ShiftWindow) -> str:
    return f"site:{site.code}:shift:{shift.starts.astimezone(UTC).isoformat()}"


def _written(key: str) -> AdvisorRun | None:
    return AdvisorRun.objects.filter(advisor=AdvisorName.SHIFT_SUMMARY, subject_key=key).order_by("-id").first()


def _mail(site: Site, shift: ShiftWindow, text: str, addresses: list[str]) -> str:
    """Send the summary; '' when sent, else why not (kept in the run log; never raised)."""
    subject = _("Shift summary · %(site)s · %(shift)s %(start)s") % {
        "site": site.code,
        "shift": shift.name,
        "start": date_format(shift.starts, "D j M H:i"),
    }
    link = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("advisor_text:summary", args=[site.code])
    try:
        send_mail(subject, f"{text}\n\n{link}\n", settings.DEFAULT_FROM_EMAIL, addresses, fail_silently=False)
    except Exception as exc:  # SMTP down, refused address: the summary still stands on screen
        logger.warning("shift summary mail failed", extra={"site": site.code, "error": str(exc)})
        return _("The e-mail to the on-call could not be sent: %(error)s") % {"error": str(exc)[:300]}
    return ""


def shift_summary_write(*, site: Site, now: datetime | None = None) -> AdvisorRun | None:
    """Write (once) the summary of the shift on at `now` at this site, and mail it to the on-call.

    Safe to repeat: a second call for the same shift returns the summary already written. None when the
    site turned the shift summary off."""
    now = now or timezone.now()
    setting = setting_for(site=site, advisor=AdvisorName.SHIFT_SUMMARY)
    if not setting.enabled:
        return None
    shift = site_shift_at(site, now)
    key = summary_key(site, shift)
    existing = _written(key)
    if existing is not None:
        return existing
    facts = shift_summary_facts(site=site, shift=shift, now=now)
    provider = provider_for(external_enabled=setting.external_provider_enabled)
    answer = provider.summarise(facts, now=now)
    assert isinstance(answer.output, ShiftSummaryText)
    text = answer.output.text
    addresses = on_call_emails(site_code=site.code, when=now)
    with transaction.atomic():
        Site.objects.select_for_update().filter(pk=site.pk).first()  # one writer per site and shift
        existing = _written(key)
        if existing is not None:
            return existing
        reasons = [_("Written at the start of the %(shift)s.") % {"shift": shift.name}]
        if answer.fallback_reason:
            reasons.append(_("The external model was not used: %(why)s") % {"why": answer.fallback_reason})
        run = run_record(
            advisor=AdvisorName.SHIFT_SUMMARY,
            version=VERSION if answer.provider == "local" else f"{VERSION}+{settings.ADVISOR_LLM_MODEL}",
            site=site,
            subject_key=key,
            inputs=facts,
            output={"text": text, "facts": facts, "shift": shift.name, "emailed_to": addresses},
            reasons=reasons,
            confidence=None,
            latency_ms=answer.latency_ms,
            provider=answer.provider if not answer.fallback_reason else f"local (fallback from {provider.name})",
            prompt=answer.prompt,
            outcome=Outcome.LOGGED,
            error=answer.fallback_reason,
        )
    if addresses:
        problem = _mail(site, shift, text, addresses)
        if problem:
            AdvisorRun.objects.filter(pk=run.pk).update(error=(run.error + "\n" + problem).strip())
            run.refresh_from_db()
    return run


def shift_summaries_due(*, now: datetime | None = None) -> list[int]:
    """The beat's sweep: every active site whose shift started less than CATCH_UP ago gets its summary
    (once). Returns the ids of the summaries written or found."""
    now = now or timezone.now()
    written = []
    for site in Site.objects.filter(is_active=True).order_by("code"):
        shift = site_shift_at(site, now)
        if now - shift.starts > CATCH_UP:
            continue
        try:
            run = shift_summary_write(site=site, now=now)
        except Exception:  # one site's failure must not stop the others' summaries
            logger.exception("shift summary failed", extra={"site": site.code})
            continue
        if run is not None:
            written.append(run.pk)
    return written
