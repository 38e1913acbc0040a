from django.urls import path

from apps.live import views

app_name = "live"

urlpatterns = [path("sites/<str:site_code>/pulse/", views.site_pulse, name="site-pulse")]
