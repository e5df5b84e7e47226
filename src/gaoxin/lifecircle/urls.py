from django.urls import path

from gaoxin.lifecircle import views

app_name = "lifecircle"
urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.run, name="run"),
    path("map/", views.map_page, name="map"),
    path("isochrone.json", views.isochrone, name="isochrone"),
    path("compare/", views.compare, name="compare"),
    path("<int:pk>/results.json", views.map_results, name="map_results"),
    path("<int:pk>/areas/<int:area_id>/", views.area_report, name="area_report"),
    path("<int:pk>/streets/<int:street_id>/", views.street_page, name="street"),
]
