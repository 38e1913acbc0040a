from django.urls import path

from apps.wall import views

app_name = "wall"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:site_code>/", views.board, name="board"),
    path("<str:site_code>/tiles/<str:key>/", views.tile, name="tile"),
    path("<str:site_code>/<slug:board_slug>/", views.board, name="board-named"),
]
