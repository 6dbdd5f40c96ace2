"""Pages people read. Thin function views; queries live on the models' QuerySets."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Statement


@require_GET
def home(request):
    recent = Statement.objects.with_people().newest_first()[:10]
    return render(request, "statements/home.html", {"recent": recent})
