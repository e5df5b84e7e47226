from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from gaoxin.accounts.views import LoginView, second_factor, second_factor_setup
from gaoxin.health.urls import fhir_urlpatterns
from gaoxin.site import views
from gaoxin.site.api import api, open311_api

urlpatterns = [
    path("", views.home, name="home"),
    path("overview/", views.overview, name="overview"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>/status.json", views.job_status, name="job_status"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("favicon.ico", RedirectView.as_view(url=static("gaoxin/favicon.svg"), permanent=True)),
    path("login/", LoginView.as_view(), name="login"),
    path("login/second-factor/", second_factor, name="second_factor"),
    path("login/second-factor/setup/", second_factor_setup, name="second_factor_setup"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("places/", include("gaoxin.places.urls")),
    path("lifecircle/", include("gaoxin.lifecircle.urls")),
    path("parks/", include("gaoxin.parks.urls")),
    path("plans/", include("gaoxin.plans.urls")),
    path("governance/", include("gaoxin.governance.urls")),
    path("education/", include("gaoxin.education.urls")),
    path("health/", include("gaoxin.health.urls")),
    path("fhir/", include((fhir_urlpatterns, "fhir"))),
    path("api/", api.urls),
    path("open311/v2/", open311_api.urls),
    path("admin/", admin.site.urls),
]
