"""API routes of the text advisors (message triage); the framework's routes are in urls.py."""

from django.urls import path

from apps.advisor.api.triage import TriageApi

urlpatterns = [
    path("advisor/triage/", TriageApi.as_view(), name="advisor-triage"),
]
