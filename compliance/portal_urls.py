from django.urls import path

from compliance import portal

urlpatterns = [
    path("", portal.erasure_request_view, name="portal-erasure"),
    path("confirm/<str:token>/", portal.erasure_confirm_view, name="portal-erasure-confirm"),
    path("status/<str:token>/", portal.erasure_status_view, name="portal-erasure-status"),
]
