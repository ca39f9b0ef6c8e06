from django.urls import path

from comptoir.web.console import views

app_name = "console"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sellers/", views.seller_queue, name="seller-queue"),
    path("sellers/<int:seller_id>/", views.seller_detail, name="seller-detail"),
    path("sellers/<int:seller_id>/approve", views.seller_approve, name="seller-approve"),
    path("sellers/<int:seller_id>/reject", views.seller_reject_view, name="seller-reject"),
]
