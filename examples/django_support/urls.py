"""The site's URLs: the support pages, Django's login and logout, and the JSON views."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import api, views
from .users import DemoLoginView

urlpatterns = [
    path("", views.spaces, name="spaces"),
    path("s/<slug:slug>/", views.space, name="space"),
    path("s/<slug:slug>/ask", views.ask, name="ask"),
    path("t/<int:thread_id>/", views.thread, name="thread"),
    path("t/<int:thread_id>/answer", views.answer, name="answer"),
    path("p/<int:post_id>/vote", views.vote, name="vote"),
    path("p/<int:post_id>/accept", views.accept, name="accept"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("m/<int:member_id>/", views.member, name="member"),
    path("login/", DemoLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/threads/<int:thread_id>", api.thread, name="api-thread"),
    path("api/posts/<int:post_id>/vote", api.vote, name="api-vote"),
]
