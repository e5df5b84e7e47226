from django.urls import path

from gaoxin.parks import views

app_name = "parks"
urlpatterns = [
    path("", views.index, name="index"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("import/", views.import_page, name="import"),
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/<slug:step>/", views.evaluation_step, name="evaluation_step"),
    path("results/<int:pk>/", views.result_detail, name="result"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("schemes/<int:pk>/", views.scheme_page, name="scheme"),
    path("land/", views.land_page, name="land"),
    path("portal/", views.portal, name="portal"),
    path("p/<int:pk>/", views.park_profile, name="park"),
    path("plants/", views.plants_page, name="plants"),
    path("plants/new/", views.plant_edit, name="plant_new"),
    path("plants/<int:pk>/", views.plant_detail, name="plant"),
    path("plants/<int:pk>/edit/", views.plant_edit, name="plant_edit"),
    path("leases/<int:pk>/end/", views.lease_end, name="lease_end"),
    path("policies/", views.policies_page, name="policies"),
    path("services/", views.catalogue_page, name="catalogue"),
    path("requests/", views.requests_page, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("policies/new/", views.policy_edit, name="policy_new"),
    path("policies/<int:pk>/", views.policy_detail, name="policy"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
]
