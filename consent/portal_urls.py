from django.urls import path

from consent import portal

app_name = "consent-portal"

urlpatterns = [
    path("c/<str:token>/", portal.consents_view, name="consents"),
    path("c/<str:token>/withdraw/<str:consent_id>/", portal.consent_withdraw_view, name="consent-withdraw"),
    path("notices/<str:notice_id>/", portal.notice_view, name="notice"),
]
