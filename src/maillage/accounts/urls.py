from django.urls import path

from maillage.accounts import views
from maillage.accounts.decorators import login_required

app_name = "accounts"

urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    path("inscription/envoyee/", views.signup_done, name="signup_done"),
    path("inscription/verifier/<str:token>/", views.verify_email, name="verify_email"),
    path("inscription/renvoyer-le-lien/", views.resend_verification, name="resend_verification"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("compte/", views.account, name="account"),
    path("compte/coordonnees/", views.profile, name="profile"),
    path("compte/courriels/", views.preferences, name="preferences"),
    path(
        "compte/mot-de-passe/",
        login_required(views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "compte/mot-de-passe/modifie/",
        login_required(views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
