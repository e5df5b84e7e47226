from django.urls import path

from gaoxin.education import views

app_name = "education"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("developments.xlsx", views.developments_export, name="developments_export"),
    path("import/", views.import_file, name="import"),
    path("developments/new/", views.development_edit, name="development_new"),
    path("developments/<int:pk>/", views.development, name="development"),
    path("developments/<int:pk>/edit/", views.development_edit, name="development_edit"),
    path("phases/<int:pk>/edit/", views.phase_edit, name="phase_edit"),
    path("kindergartens/new/", views.kindergarten_edit, name="kindergarten_new"),
    path("kindergartens/<int:pk>/", views.kindergarten, name="kindergarten"),
    path("kindergartens/<int:pk>/edit/", views.kindergarten_edit, name="kindergarten_edit"),
    path("places/", views.forecast, name="forecast"),
    path("schools/<int:pk>/", views.school, name="school"),
    path("siting/", views.siting, name="siting"),
    path("catchments/", views.catchments, name="catchments"),
    path("catchments/<int:pk>/", views.plan, name="plan"),
    path("catchments/<int:pk>/publish/", views.plan_publish, name="plan_publish"),
]
