from django.urls import path

from compliance import officer_views

app_name = "officer"

urlpatterns = [
    path("", officer_views.dashboard_view, name="dashboard"),
    path("login/", officer_views.OfficerLoginView.as_view(), name="login"),
    path("logout/", officer_views.OfficerLogoutView.as_view(), name="logout"),
    path("orders/<uuid:order_id>/", officer_views.order_detail, name="order"),
    path("certificates/<uuid:certificate_id>/", officer_views.certificate_detail, name="certificate"),
    path("audit/", officer_views.audit_log, name="audit"),
]
