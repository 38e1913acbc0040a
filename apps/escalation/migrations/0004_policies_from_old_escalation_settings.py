"""Escalation policies replace the cases' `escalation_step_min` and the approval steps' `escalate_to_role`.

Today's values become level-1 policies, so nothing that escalated before stops escalating:
- per site with exception settings, one case policy per severity: level 1 (the supervisor on call) when the
  severity's SLA is missed, repeated every `escalation_step_min` minutes (up to CASE_REPEAT_LIMIT times), as the old
  sweep raised a level per step;
- per site and per approval step that named an `escalate_to_role` in a current approval policy (the all-site
  default applies to every site): level 1 (the on-call of that role) when the step falls due.
A scope that already has a policy keeps it. The key is then taken out of the stored approval definitions, whose
checker now refuses it (the old fields are removed by the cases and approvals migrations that run after this one).
"""

from django.db import migrations

SEVERITY_SLA_FIELDS = {
    "critical": "sla_critical_min",
    "high": "sla_high_min",
    "medium": "sla_medium_min",
    "low": "sla_low_min",
}
CASE_REPEAT_LIMIT = 5  # the old sweep raised levels without end; five repeats cover a long shift at 30 min
SUPERVISOR = "supervisor"


def _policy(EscalationPolicy, EscalationLevel, *, target_role, delay_min, **scope):
    if EscalationPolicy.objects.filter(**scope).exists():
        return
    policy = EscalationPolicy.objects.create(**scope)
    EscalationLevel.objects.create(policy=policy, number=1, delay_min=delay_min, target_role=target_role)
    return policy


def forwards(apps, schema_editor):
    Site = apps.get_model("ct_sites", "Site")
    CaseSettings = apps.get_model("cases", "CaseSettings")
    ApprovalPolicy = apps.get_model("approvals", "ApprovalPolicy")
    EscalationPolicy = apps.get_model("escalation", "EscalationPolicy")
    EscalationLevel = apps.get_model("escalation", "EscalationLevel")

    for case_settings in CaseSettings.objects.select_related("site"):
        step = max(1, case_settings.escalation_step_min)
        for severity, sla_field in SEVERITY_SLA_FIELDS.items():
            policy = _policy(
                EscalationPolicy,
                EscalationLevel,
                target_role=SUPERVISOR,
                delay_min=getattr(case_settings, sla_field),
                site=case_settings.site,
                applies_to="case",
                case_kind="",
                severity=severity,
                request_type="",
                step_name="",
            )
            if policy is not None:
                policy.repeat_every_min, policy.repeat_limit = step, CASE_REPEAT_LIMIT
                policy.save(update_fields=["repeat_every_min", "repeat_limit"])

    all_sites = list(Site.objects.all())
    for approval_policy in ApprovalPolicy.objects.all():
        definition = approval_policy.definition or {}
        changed = False
        for route in definition.get("routes") or []:
            for step in route.get("steps") or []:
                if "escalate_to_role" not in step:
                    continue
                role = step.pop("escalate_to_role")
                changed = True
                if not role or not approval_policy.is_current:
                    continue
                sites = [approval_policy.site] if approval_policy.site_id else all_sites
                for site in sites:
                    _policy(
                        EscalationPolicy,
                        EscalationLevel,
                        target_role=role,
                        delay_min=0,
                        site=site,
                        applies_to="approval",
                        case_kind="",
                        severity="",
                        request_type=approval_policy.request_type,
                        step_name=step.get("name", ""),
                    )
        if changed:
            approval_policy.definition = definition
            approval_policy.save(update_fields=["definition"])


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0003_rotations_holidays_repeat_quiet_approval_policies"),
        ("approvals", "0001_initial"),
        ("cases", "0002_dock_clerk_role_choice"),
        ("ct_sites", "0002_site_shifts"),
    ]
    # The old fields are read here, so their removal waits (the lower apps need not know about escalation).
    run_before = [
        ("cases", "0003_escalation_step_moved_to_policies"),
        ("approvals", "0002_escalate_to_role_moved_to_policies"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
