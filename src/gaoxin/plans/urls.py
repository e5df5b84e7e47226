from django.urls import path

from gaoxin.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.index, name="index"),
    path("targets.xlsx", views.board_export, name="board_export"),
    path("targets/new/", views.target_edit, name="target_new"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/table.xlsx", views.programme_export, name="programme_export"),
    path("programmes/<int:pk>/import/", views.programme_import, name="programme_import"),
    path("programmes/<int:pk>/escalate/", views.programme_escalate, name="programme_escalate"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("nodes/<int:pk>/finish/", views.node_finish, name="node_finish"),
    path("nodes/<int:pk>/reopen/", views.node_reopen, name="node_reopen"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("projects/", views.project_list, name="projects"),
    path("projects/import/", views.projects_import, name="projects_import"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("milestones/<int:pk>/finish/", views.milestone_finish, name="milestone_finish"),
    path("care/", views.care_list, name="care_list"),
    path("care/<int:pk>/", views.care_detail, name="care"),
]
