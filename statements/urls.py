from django.urls import path

from . import search, views

app_name = "statements"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search.search_view, name="search"),
    path("statements/", views.statement_list, name="statement-list"),
    path("statements/<int:pk>/", views.statement_detail, name="statement-detail-short"),
    path("statements/<int:pk>/<str:slug>/", views.statement_detail, name="statement-detail"),
    path("speakers/", views.speaker_list, name="speaker-list"),
    path("speakers/<int:pk>/", views.speaker_detail, name="speaker-detail-short"),
    path("speakers/<int:pk>/<str:slug>/", views.speaker_detail, name="speaker-detail"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<slug:slug>/", views.country_detail, name="country-detail"),
    path("resolutions/", views.resolution_list, name="resolution-list"),
    path("resolutions/<int:number>/", views.resolution_detail, name="resolution-detail"),
    path("resolutions/ga/<int:session>/<int:number>/", views.ga_resolution_detail, name="ga-resolution-detail"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/<path:symbol>/", views.meeting_detail, name="meeting-detail"),
]
