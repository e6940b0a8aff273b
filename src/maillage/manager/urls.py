from django.urls import path  # noqa: F401 - the pages' paths join here

app_name = "manager"

urlpatterns: list = []
