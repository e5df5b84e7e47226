from django.urls import path

from gaoxin.lifecircle import views

app_name = "lifecircle"
urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.run, name="run"),
    path("map/", views.map_page, name="map"),
    path("isochrone.json", views.isochrone, name="isochrone"),
    path("compare/", views.compare, name="compare"),
    path("siting/", views.siting_page, name="siting"),
    path("scenarios/", views.scenario_list, name="scenarios"),
    path("candidates/", views.candidate_lists, name="candidates"),
    path("candidates/<int:pk>/", views.candidate_list, name="candidate_list"),
    path("scenarios/new/", views.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/delete/", views.scenario_delete, name="scenario_delete"),
    path("scenarios/<int:pk>/", views.scenario_page, name="scenario"),
    path("scenarios/<int:pk>/sites/<int:site_id>/promote/", views.scenario_promote, name="scenario_promote"),
    path("scenarios/<int:pk>/sites/<int:site_id>/", views.scenario_site, name="scenario_site"),
    path("scenarios/<int:pk>/close/", views.scenario_close, name="scenario_close"),
    path("scenarios/<int:pk>/housing/", views.scenario_housing, name="scenario_housing"),
    path("scenarios/<int:pk>/change/", views.scenario_change, name="scenario_change"),
    path("<int:pk>/results.json", views.map_results, name="map_results"),
    path("<int:pk>/areas/<int:area_id>/", views.area_report, name="area_report"),
    path("<int:pk>/streets/<int:street_id>/", views.street_page, name="street"),
]
