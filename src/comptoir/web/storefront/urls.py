from django.urls import path

from comptoir.web.storefront import views

app_name = "storefront"

urlpatterns = [path("", views.home, name="home")]
