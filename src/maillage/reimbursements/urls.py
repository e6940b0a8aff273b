app_name = "reimbursements"

urlpatterns: list = []
