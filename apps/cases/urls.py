from django.urls import path

from apps.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("rows/", views.rows, name="rows"),
    path("bulk/", views.bulk, name="bulk"),
    path("<int:case_id>/", views.detail, name="detail"),
    path("<int:case_id>/panel/", views.panel, name="panel"),
    path("<int:case_id>/<slug:action>/", views.act, name="act"),
]
