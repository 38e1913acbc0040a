from django.urls import path

from apps.cases.api import views

urlpatterns = [
    path("cases/", views.CaseListApi.as_view(), name="case-list"),
    path("cases/bulk/", views.CaseBulkApi.as_view(), name="case-bulk"),
    path("cases/<int:case_id>/", views.CaseDetailApi.as_view(), name="case-detail"),
    *[
        path(f"cases/<int:case_id>/{action}/", view.as_view(), name=f"case-{action}")
        for action, view in views.ACTION_VIEWS.items()
    ],
    path("pick-failures/", views.PickFailureApi.as_view(), name="pick-failure-report"),
]
