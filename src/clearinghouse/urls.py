from django.contrib import admin
from django.urls import include, path

from clearinghouse.accounts import security_keys
from clearinghouse.accounts import views as accounts
from clearinghouse.api import api
from clearinghouse.education import urls as education_urls
from clearinghouse.tipline import urls as tipline_urls

admin.site.site_header = "Clearinghouse administration"
admin.site.site_title = "Clearinghouse"

urlpatterns = [
    path("admin/login/", accounts.admin_sign_in, name="admin-sign-in"),
    path("admin/", admin.site.urls),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/second-factor/", accounts.second_factor, name="second-factor"),
    path(
        "accounts/second-factor/replace/",
        accounts.replace_second_factor,
        name="second-factor-replace",
    ),
    path("accounts/confirm/", accounts.confirm, name="confirm"),
    path("accounts/security-keys/", security_keys.keys_page, name="security-keys"),
    path(
        "accounts/security-keys/register/options/",
        security_keys.register_options,
        name="security-key-register-options",
    ),
    path("accounts/security-keys/register/", security_keys.register, name="security-key-register"),
    path(
        "accounts/security-keys/sign-in/options/",
        security_keys.sign_in_options,
        name="security-key-sign-in-options",
    ),
    path("accounts/security-keys/sign-in/", security_keys.sign_in, name="security-key-sign-in"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", api.urls),
    path("ispws/", include("clearinghouse.tipline.ispws.urls")),
    path("tipline/", include("clearinghouse.tipline.urls", namespace="tipline")),
    path("missing/", include("clearinghouse.missing.urls", namespace="missing")),
    path("posterapi/", include("clearinghouse.posterapi.urls", namespace="posterapi")),
    path("report/", include((tipline_urls.public_urlpatterns, "report"))),
    path("cvip/", include("clearinghouse.victimid.urls", namespace="victimid")),
    path("support/", include("clearinghouse.support.urls", namespace="support")),
    path("education/", include("clearinghouse.education.urls", namespace="education")),
    path("audit/", include("clearinghouse.audit.urls", namespace="audit")),
    path("training/", include((education_urls.public_urlpatterns, "training"))),
    path("", include("clearinghouse.impact.urls", namespace="impact")),
]
