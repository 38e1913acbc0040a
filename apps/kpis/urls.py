from django.urls import path

from apps.kpis import views

app_name = "kpis"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("per-person/", views.per_person_set, name="per-person"),
    path("<slug:kpi>/", views.detail, name="detail"),
    path("<slug:kpi>/target/", views.target_set, name="target"),
]
