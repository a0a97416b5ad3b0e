"""The job page: a background job's state and progress (polled by htmx), its file to download
when ready, the French reason of a failure and "relancer" when that is safe. Only the person
who started a job reaches it; anyone else gets 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ancrage.kernel.access import can, requires
from ancrage.kernel.documents import download
from ancrage.kernel.flow import act
from ancrage.kernel.jobs import kind_of, open_result, relaunch_job
from ancrage.kernel.models import Job

# How often the page asks for the job's progress while it runs.
POLL = "every 2s"


def _job(request, pk):
    return get_object_or_404(
        Job.objects.visible_to(request.user).select_related("started_by"), pk=pk
    )


@requires("job", "view")
@require_GET
def job_page(request, pk):
    job = _job(request, pk)
    kind = kind_of(job)
    context = {
        "job": job,
        "kind": kind,
        "label": kind.label if kind else job.kind,
        # Back to the page the job was started from, while the user may still open it.
        "back_url": kind.back(job)
        if kind and kind.back and can(request.user, *kind.permission)
        else reverse("web:home"),
        "relaunch": bool(kind and kind.relaunch and job.state == Job.State.FAILED),
        "poll": POLL,
    }
    template = "web/_job_status.html" if request.htmx else "web/job.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    response["Cache-Control"] = "private, no-store"
    return response


@requires("job", "view")
@require_GET
def job_file(request, pk):
    job = _job(request, pk)
    if not job.downloadable:
        # Not ready, failed, or deleted after JOB_RESULT_HOURS: the job page says which.
        raise Http404
    response = download(open_result(job), job.filename, job.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@requires("job", "view")
@require_POST
def job_relaunch(request, pk):
    job = _job(request, pk)
    return act(
        request,
        lambda: relaunch_job(request.user, job),
        success=reverse("web:job", args=[job.pk]),
        message=_("La tâche est relancée."),
    )
