from django.urls import path

from gaoxin.places import views

app_name = "places"
urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("map/layers.json", views.map_layers, name="map_layers"),
    path("map/base.json", views.map_base, name="map_base"),
    path("facilities/", views.facility_list, name="facility_list"),
    path("facilities/new/", views.facility_create, name="facility_create"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility_detail"),
    path("facilities/<int:pk>/edit/", views.facility_edit, name="facility_edit"),
    path("areas/", views.area_list, name="area_list"),
    path("areas/<int:pk>/", views.area_detail, name="area_detail"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("communities/", views.community_list, name="community_list"),
    path("streets/", views.street_list, name="street_list"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("export/<str:dataset>.<str:file_format>", views.export_download, name="export"),
]
