from django.http import HttpResponse


def index(request):
    return HttpResponse("Coming soon.")


def detail(request, slug):
    return HttpResponse("Coming soon.")
