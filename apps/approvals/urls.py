from django.urls import path

from apps.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("inbox/list/", views.inbox_list, name="inbox-list"),
    path("bulk-approve/", views.bulk, name="bulk-approve"),
    path("history/", views.history, name="history"),
    path("policies/", views.policies, name="policies"),
    path("audit.csv", views.audit_export, name="audit-export"),
    path("new/<str:request_type>/", views.new_request, name="new"),
    path("<int:request_id>/", views.request_detail, name="detail"),
    path("<int:request_id>/panel/", views.request_panel, name="panel"),
    path("<int:request_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:request_id>/decide/", views.decide, name="decide"),
]
