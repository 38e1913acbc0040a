"""Write-back needing attention: an outbox entry that failed for good (or needs a human).

Opened by the outbox's needs-attention hook (apps.cases.services.intake), not by the mirror. The
sweep re-checks open ones: once the entry is done, skipped or cancelled (a person retried or
cancelled it), the case clears itself.
"""

from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.cases.detectors.base import Detector, Evaluation, register
from apps.writeback.models import OutboxEntry

SETTLED = (OutboxEntry.Status.DONE, OutboxEntry.Status.SKIPPED, OutboxEntry.Status.CANCELLED)


def attention_key(entry_id: int) -> str:
    return f"writeback_attention:outbox:{entry_id}"


@register
class WritebackAttentionDetector(Detector):
    code = "writeback_attention"
    label = _("Write-back to Odoo needs attention")
    owner_role = Role.ADMIN

    def evaluate(self, subject_ids, sites, now) -> Evaluation:
        # Only clearing is decided here; entries still failing keep their case as the hook opened it.
        evaluation = Evaluation()
        settled = OutboxEntry.objects.filter(pk__in=subject_ids, status__in=SETTLED).values_list("pk", flat=True)
        evaluation.checked_keys.update(attention_key(pk) for pk in settled)
        return evaluation
