from django.conf import settings


def erating(request):
    return {"SITE_URL": settings.SITE_URL, "DEBUG": settings.DEBUG}
