from django.http import HttpResponse


def subscribe(request):
    return HttpResponse("Coming soon.")
