from django.urls import path

from apps.approvals.api import views

urlpatterns = [
    path("approvals/inbox/", views.InboxView.as_view(), name="approvals-api-inbox"),
    path("approvals/requests/", views.RequestListView.as_view(), name="approvals-api-requests"),
    path("approvals/requests/<int:request_id>/", views.RequestDetailView.as_view(), name="approvals-api-request"),
    path("approvals/requests/<int:request_id>/decide/", views.DecideView.as_view(), name="approvals-api-decide"),
    path("approvals/bulk-approve/", views.BulkApproveView.as_view(), name="approvals-api-bulk"),
    path("approvals/policies/", views.PolicyView.as_view(), name="approvals-api-policies"),
    path("approvals/delegations/", views.DelegationView.as_view(), name="approvals-api-delegations"),
]
