from django.urls import path

from apps.advisor import views

app_name = "advisor"

urlpatterns = [
    path("", views.advisor_page, name="page"),
    path("panel/", views.panel_fragment, name="panel"),
    path("recommendations/<int:recommendation_id>/accept/", views.accept, name="accept"),
    path("recommendations/<int:recommendation_id>/reject/", views.reject, name="reject"),
]
