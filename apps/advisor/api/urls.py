from django.urls import path

from apps.advisor.api import views

urlpatterns = [
    path("advisor/recommendations/", views.RecommendationListView.as_view(), name="advisor-api-recommendations"),
    path(
        "advisor/recommendations/<int:recommendation_id>/accept/",
        views.RecommendationAcceptView.as_view(),
        name="advisor-api-accept",
    ),
    path(
        "advisor/recommendations/<int:recommendation_id>/reject/",
        views.RecommendationRejectView.as_view(),
        name="advisor-api-reject",
    ),
    path("advisor/runs/", views.RunListView.as_view(), name="advisor-api-runs"),
]
