from django.urls import path

from maillage.reimbursements import views

app_name = "reimbursements"

urlpatterns: list = []
