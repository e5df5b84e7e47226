from django.urls import path

from gaoxin.health import views

app_name = "health"
urlpatterns = [
    path("", views.home, name="home"),
    path("residents/", views.residents, name="residents"),
    path("residents/new/", views.register, name="register"),
    path("emergency/", views.break_glass, name="break_glass"),
    path("residents/<int:pk>/", views.resident_detail, name="resident"),
    path("residents/<int:pk>/record/<slug:step>/", views.record_step, name="record_step"),
    path("residents/<int:pk>/contract/<slug:step>/", views.contract_step, name="contract_step"),
    path("residents/<int:pk>/edit/<slug:part>/", views.record_edit, name="record_edit"),
    path("me/", views.me, name="me"),
    path("me/appointments/", views.appointments_page, name="appointments"),
    path("slots/", views.slots_page, name="slots"),
    path("me/children/<int:pk>/", views.ward, name="ward"),
    path("audit/", views.audit_log, name="audit"),
    path("kpis/", views.kpis, name="kpis"),
    path("followups/", views.followups, name="followups"),
    path("me/consultations/", views.my_consultations, name="my_consultations"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<int:pk>/", views.consultation, name="consultation"),
    path("consultations/<int:pk>/files/<int:file_pk>/", views.consultation_file, name="consultation_file"),
    path("remote/", views.teleconsults, name="teleconsults"),
    path("remote/<int:pk>/", views.teleconsult, name="teleconsult"),
    path("residents/<int:pk>/remote/", views.teleconsult_new, name="teleconsult_new"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("residents/<int:pk>/refer/", views.referral_new, name="referral_new"),
]

# The FHIR R4 read API, mounted at /fhir/ by the site (its paths carry no trailing slash, as FHIR's).
fhir_urlpatterns = [
    path("metadata", views.fhir_metadata, name="metadata"),
    path("<str:kind>", views.fhir_search, name="search"),
    path("<str:kind>/<str:rid>", views.fhir_read, name="read"),
]
