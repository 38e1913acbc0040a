from django.urls import path

from apps.escalation.api import views

urlpatterns = [
    path("escalation/on-call/", views.OnCallNowView.as_view(), name="escalation-api-on-call"),
    path("escalation/contacts/", views.ContactListView.as_view(), name="escalation-api-contacts"),
    path("escalation/contacts/<int:contact_id>/", views.ContactDetailView.as_view(), name="escalation-api-contact"),
    path("escalation/calendar/", views.SlotListView.as_view(), name="escalation-api-calendar"),
    path("escalation/policies/", views.PolicyListView.as_view(), name="escalation-api-policies"),
    path("escalation/policies/<int:policy_id>/", views.PolicyRulesView.as_view(), name="escalation-api-policy"),
    path("escalation/rotations/", views.RotationListView.as_view(), name="escalation-api-rotations"),
    path("escalation/holidays/", views.HolidayListView.as_view(), name="escalation-api-holidays"),
]
