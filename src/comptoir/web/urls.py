from django.urls import path

from comptoir.web import views

urlpatterns = [path("", views.home, name="home")]
