from django.urls import path

from apps.docks.api import views

urlpatterns = [
    path("docks/doors/", views.DockDoorListApi.as_view(), name="dock-door-list"),
    path("docks/appointments/", views.AppointmentListApi.as_view(), name="dock-appointment-list"),
    path(
        "docks/appointments/<int:appointment_id>/", views.AppointmentDetailApi.as_view(), name="dock-appointment-detail"
    ),
    path(
        "docks/appointments/<int:appointment_id>/move/",
        views.AppointmentMoveApi.as_view(),
        name="dock-appointment-move",
    ),
    path(
        "docks/appointments/<int:appointment_id>/cancel/",
        views.AppointmentCancelApi.as_view(),
        name="dock-appointment-cancel",
    ),
    *[
        path(f"docks/appointments/<int:appointment_id>/{event}/", view.as_view(), name=f"dock-appointment-{event}")
        for event, view in views.EVENT_VIEWS.items()
    ],
    path("docks/slots/find/", views.SlotFindApi.as_view(), name="dock-slot-find"),
]
