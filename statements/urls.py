from django.urls import path

from . import search, views

app_name = "statements"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search.search_view, name="search"),
]
