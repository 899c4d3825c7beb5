from django.urls import path

from clearinghouse.tipline.ispws import views

app_name = "ispws"

urlpatterns = [
    path("status", views.status, name="status"),
    path("xsd", views.xsd, name="xsd"),
    path("submit", views.submit, name="submit"),
    path("upload", views.upload, name="upload"),
    path("fileinfo", views.fileinfo, name="fileinfo"),
    path("finish", views.finish, name="finish"),
    path("retract", views.retract, name="retract"),
]
