"""What the beat tasks run: each advisor over every active site where it is enabled. A site's failure is
logged as a failed run and the others go on."""

from __future__ import annotations

import logging
from collections.abc import Callable

from apps.advisor import anomalies, delay_risk, priority
from apps.advisor.governance import setting_for
from apps.advisor.models import AdvisorName, Outcome
from apps.advisor.services import run_record
from apps.sites.models import Site

logger = logging.getLogger(__name__)


def _each_site(advisor: str, work: Callable[[Site], object], version: str) -> int:
    done = 0
    for site in Site.objects.filter(is_active=True).order_by("code"):
        if not setting_for(site=site, advisor=advisor).enabled:
            continue
        try:
            work(site)
            done += 1
        except Exception as exc:
            logger.exception("advisor run failed", extra={"advisor": advisor, "site": site.code})
            run_record(
                advisor=advisor,
                version=version,
                site=site,
                subject_key=f"site:{site.code}",
                inputs={},
                output={},
                outcome=Outcome.FAILED,
                error=f"{type(exc).__name__}: {exc}",
            )
    return done


def priority_all() -> int:
    return _each_site(AdvisorName.PRIORITY, priority.rank_site, priority.VERSION)


def delay_risk_train_all() -> int:
    return _each_site(AdvisorName.DELAY_RISK, delay_risk.train_site, delay_risk.VERSION_RULES)


def delay_risk_score_all() -> int:
    return _each_site(AdvisorName.DELAY_RISK, delay_risk.score_site, delay_risk.VERSION_RULES)


def anomalies_all() -> int:
    return _each_site(AdvisorName.ANOMALIES, anomalies.scan_site, anomalies.VERSION)
