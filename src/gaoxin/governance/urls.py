from django.urls import path

from gaoxin.governance import views

app_name = "governance"

urlpatterns = [
    path("", views.board, name="board"),
    path("mine/", views.mine, name="mine"),
    path("grids/", views.grids, name="grids"),
    path("disputes/", views.disputes, name="disputes"),
    path("collection/", views.collection, name="collection"),
    path("collection/grids/<int:pk>/", views.grid_worklist, name="grid_worklist"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute"),
    path("disputes/<int:pk>/agreement/", views.dispute_agreement, name="dispute_agreement"),
    path("report/", views.report, name="report"),
    path("escalate/", views.escalate, name="escalate"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
