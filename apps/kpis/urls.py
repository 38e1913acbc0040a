from django.urls import path

from apps.kpis import views

app_name = "kpis"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:kpi>/", views.detail, name="detail"),
    path("<slug:kpi>/target/", views.target_set, name="target"),
]
