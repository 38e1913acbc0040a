"""Pages of the text advisors: message triage and shift summaries (the framework's pages are in urls.py)."""

from django.urls import path

from apps.advisor import text_views as views

app_name = "advisor_text"

urlpatterns = [
    path("triage/", views.triage_index, name="triage-index"),
    path("triage/<str:site_code>/", views.triage, name="triage"),
    path("triage/<str:site_code>/<int:recommendation_id>/", views.triage_decide, name="triage-decide"),
    path("summary/", views.summary_index, name="summary-index"),
    path("summary/<str:site_code>/", views.summary, name="summary"),
]
