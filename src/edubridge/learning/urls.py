from django.urls import path

from edubridge.learning import views

urlpatterns = [
    path("learning/", views.banks, name="banks"),
    path("learning/new/", views.bank_new, name="bank-new"),
    path("learning/<str:identifier>/", views.practise, name="practise"),
    path("learning/<str:identifier>/class/", views.class_view, name="class"),
    path("learning/<str:identifier>/skills/<str:skill>/", views.skill_curve, name="skill-curve"),
]
