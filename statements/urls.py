from django.urls import path, re_path

from . import api, exports, feeds, openapi, trends, views
from .caching import LIST_SECONDS, cacheable
from .search import page as search

# Searches and feeds change with every import: kept a minute (views.py marks its own pages).
fresh = cacheable(LIST_SECONDS)

app_name = "statements"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("search/", fresh(search.search_view), name="search"),
    path("search/export.csv", exports.search_export_csv, name="search-export-csv"),
    path("search/export.jsonl", exports.search_export_jsonl, name="search-export-jsonl"),
    path("search/feed/", fresh(feeds.search_feed), name="search-feed"),
    path("statements/", views.statement_list, name="statement-list"),
    path("statements/feed/", fresh(feeds.LatestStatementsFeed()), name="statement-feed"),
    path("statements/<int:pk>/", views.statement_detail, name="statement-detail-short"),
    path("statements/<int:pk>/cite.bib", views.statement_cite_bibtex, name="statement-cite-bibtex"),
    path("statements/<int:pk>/cite.json", views.statement_cite_csl, name="statement-cite-csl"),
    path("statements/<int:pk>/<str:slug>/", views.statement_detail, name="statement-detail"),
    path("speakers/", views.speaker_list, name="speaker-list"),
    path("speakers/<int:pk>/", views.speaker_detail, name="speaker-detail-short"),
    path("speakers/<int:pk>/feed/", fresh(feeds.SpeakerFeed()), name="speaker-feed"),
    path("speakers/<int:pk>/<str:slug>/", views.speaker_detail, name="speaker-detail"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<slug:slug>/", views.country_detail, name="country-detail"),
    path("countries/<slug:slug>/feed/", fresh(feeds.CountryFeed()), name="country-feed"),
    path("resolutions/", views.resolution_list, name="resolution-list"),
    path("resolutions/<int:number>/", views.resolution_detail, name="resolution-detail"),
    path("resolutions/<int:number>/feed/", fresh(feeds.ResolutionFeed()), name="resolution-feed"),
    path("resolutions/ga/<int:session>/<int:number>/", views.ga_resolution_detail, name="ga-resolution-detail"),
    path("resolutions/ga/<int:session>/<int:number>/feed/", fresh(feeds.ResolutionFeed()), name="ga-resolution-feed"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/<path:symbol>/", views.meeting_detail, name="meeting-detail"),
    path("trends/", fresh(trends.trends_page), name="trends"),
    path("trends/data.csv", fresh(trends.trends_csv), name="trends-csv"),
    path("data/", views.data_page, name="data"),
    path("data/<str:folder>/<str:path>", views.data_file, name="data-file"),
    path("about/api/", openapi.api_docs, name="api-docs"),
    # The read-only JSON API, described at /api/openapi.json.
    path("api/", api.index, name="api-index"),
    path("api/openapi.json", openapi.openapi, name="api-openapi"),
    path("api/statements/", api.statement_list, name="api-statement-list"),
    path("api/statements/<str:pk>/", api.statement_detail, name="api-statement-detail"),
    path("api/speakers/", api.speaker_list, name="api-speaker-list"),
    path("api/speakers/<str:pk>/", api.speaker_detail, name="api-speaker-detail"),
    path("api/countries/", api.country_list, name="api-country-list"),
    path("api/countries/<str:slug>/", api.country_detail, name="api-country-detail"),
    path("api/meetings/", api.meeting_list, name="api-meeting-list"),
    path("api/meetings/<str:pk>/", api.meeting_detail, name="api-meeting-detail"),
    path("api/resolutions/", api.resolution_list, name="api-resolution-list"),
    path("api/resolutions/<str:key>/", api.resolution_detail, name="api-resolution-detail"),
    re_path(r"^api/(?P<rest>.*)$", api.not_found, name="api-not-found"),
]
