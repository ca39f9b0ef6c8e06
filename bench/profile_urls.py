from django.urls import path

from bench.profiling import profile_report
from config.urls import urlpatterns as application_urlpatterns

urlpatterns = [path("__bench/profile", profile_report), *application_urlpatterns]
