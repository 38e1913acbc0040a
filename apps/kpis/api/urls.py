from django.urls import path

from apps.kpis.api import views

urlpatterns = [
    path("kpis/", views.DefinitionsView.as_view(), name="kpis-api-definitions"),
    path("kpis/<slug:kpi>/series/", views.SeriesView.as_view(), name="kpis-api-series"),
    path("kpis/<slug:kpi>/target/", views.TargetView.as_view(), name="kpis-api-target"),
]
