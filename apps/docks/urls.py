from django.urls import path

from apps.docks import views

app_name = "docks"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:site_code>/", views.timeline_page, name="timeline"),
    path("<str:site_code>/board/", views.timeline_board, name="board"),
    path("<str:site_code>/clerk/", views.clerk, name="clerk"),
    path("<str:site_code>/clerk/list/", views.clerk_rows, name="clerk-list"),
    path("<str:site_code>/proposals/accept-day/", views.proposals_accept_all, name="proposals-accept-day"),
    path("proposals/<int:proposal_id>/<str:decision>/", views.proposal_decide, name="proposal-decide"),
    path("appointments/<int:appointment_id>/move/", views.move, name="move"),
    path("appointments/<int:appointment_id>/cancel/", views.cancel, name="cancel"),
    path("appointments/<int:appointment_id>/<str:event>/", views.record, name="record"),
]
