"""Forms of the case screens: each validates one action's input before a service runs it."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from apps.cases.models import ResolutionCode
from apps.core.numbers import record_ids

SNOOZE_CHOICES = [("30", "30 minutes"), ("60", "1 hour"), ("240", "4 hours"), ("1440", "Until tomorrow")]


class CommentForm(forms.Form):
    text = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    assignee = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class SnoozeForm(forms.Form):
    minutes = forms.ChoiceField(choices=SNOOZE_CHOICES)

    def until(self):
        return timezone.now() + timedelta(minutes=int(self.cleaned_data["minutes"]))


class ResolveForm(forms.Form):
    reason_code = forms.ChoiceField(choices=ResolutionCode.choices)
    note = forms.CharField(max_length=2000, required=False)


class EscalateForm(forms.Form):
    note = forms.CharField(max_length=2000, required=False)
    from_level = forms.IntegerField(required=False, min_value=0, max_value=1000)


class OdooNoteForm(forms.Form):
    body = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class OdooActivityForm(forms.Form):
    summary = forms.CharField(max_length=200)
    note = forms.CharField(max_length=2000, required=False)
    date_deadline = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    user_id = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("acknowledge", "Acknowledge"), ("assign", "Assign")])
    cases = forms.CharField(max_length=10_000)  # comma-separated ids
    assignee = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def case_ids(self) -> list[int]:
        return record_ids(self.cleaned_data["cases"].split(","))
