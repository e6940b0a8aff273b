from dataclasses import replace
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from maillage.accounts.roles import has_departement_rights
from maillage.observatory import exports, map_figure, runs, services, sorting
from maillage.observatory.analysis import (
    DEFAULT_THRESHOLD_MINUTES,
    MIN_UNDERSERVED_POPULATION,
    THRESHOLDS_MINUTES,
)
from maillage.observatory.candidate_import import (
    COLUMNS,
    KIND_CODES,
    OWNER_CODES,
    CandidateImportError,
)
from maillage.observatory.forms import (
    CandidateImportForm,
    CommuneSortForm,
    ModelRunForm,
    ScenarioForm,
    ScenarioPairForm,
    ThresholdForm,
)
from maillage.observatory.models import ModelRun, Scenario
from maillage.observatory.report_pdf import scenario_pdf
from maillage.observatory.wording import count, scenario_summary

# Runs listed on the staff page of model runs, the most recent first.
RECENT_RUNS = 50
# Under-served zones listed on the public page, the most populated first (all in the GeoJSON).
ZONES_SHOWN = 20


def departement_staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_departement_rights(request.user):
            raise PermissionDenied(services.STAFF_ONLY)
        return view(request, *args, **kwargs)

    return wrapper


def _threshold_refusal() -> str:
    *others, last = THRESHOLDS_MINUTES
    return f"« Seuil d'accès » : choisissez {', '.join(map(str, others))} ou {last} minutes à pied."


def _live_options(request) -> tuple[dict, str | None]:
    """Threshold and supply chosen on the public page, and the French refusal when the URL's
    values are not valid (the defaults are then used)."""
    form = ThresholdForm(request.GET)
    if not form.is_valid():
        return {
            "threshold": DEFAULT_THRESHOLD_MINUTES,
            "include_preparing": False,
        }, _threshold_refusal()
    return {
        "threshold": form.cleaned_data["seuil"] or DEFAULT_THRESHOLD_MINUTES,
        "include_preparing": form.cleaned_data["preparation"],
    }, None


def _refused_download(refusal: str) -> HttpResponse:
    return HttpResponseBadRequest(refusal, content_type="text/plain; charset=utf-8")


def _live_query(options: dict) -> str:
    query = f"seuil={options['threshold']}"
    return query + "&preparation=on" if options["include_preparing"] else query


def _live_suffix(options: dict) -> str:
    # Downloads with and without places in preparation must not share a file name.
    return "-avec-lieux-en-preparation" if options["include_preparing"] else ""


def _download(content: str | bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _commune_sort(request, threshold: int) -> str:
    """The communes table's `tri` (observatory.sorting), the worst-served first when it is
    absent or, with a French warning, not a valid one."""
    form = CommuneSortForm(request.GET)
    if form.is_valid() and form.cleaned_data["tri"]:
        return form.cleaned_data["tri"]
    if not form.is_valid():
        messages.warning(
            request,
            "« Tri » : choisissez une colonne du tableau des communes. "
            "Voici les communes les moins bien desservies d'abord.",
        )
    return sorting.default_sort(threshold)


@require_safe
def public_observatory(request):
    options, refusal = _live_options(request)
    if refusal:
        messages.warning(
            request, f"{refusal} Voici le seuil de {DEFAULT_THRESHOLD_MINUTES} minutes."
        )
    report = services.live_report(**options)
    sort = _commune_sort(request, report.threshold)
    return render(
        request,
        "observatory/public.html",
        {
            "report": report,
            "threshold_form": ThresholdForm(
                initial={"seuil": options["threshold"], "preparation": options["include_preparing"]}
            ),
            # Embedded in the page: the report is computed once for the figures and the map.
            "map_geojson": exports.map_geojson(
                report, services.live_sites(options["include_preparing"])
            ),
            "query": _live_query(options),
            "include_preparing": options["include_preparing"],
            "communes": sorting.sort_areas(report.communes, sort, report.threshold),
            "zones": report.underserved[:ZONES_SHOWN],
            "min_zone_population": MIN_UNDERSERVED_POPULATION,
            "commune_headings": sorting.headings("Commune", sort, report.thresholds),
        },
    )


def _indicators_csv(request, spreadsheet: bool) -> HttpResponse:
    options, refusal = _live_options(request)
    if refusal:
        return _refused_download(refusal)
    variant = "-tableur" if spreadsheet else ""
    return _download(
        exports.indicators_csv(services.live_report(**options), spreadsheet),
        f"maillage-indicateurs-{timezone.localdate():%Y-%m-%d}{_live_suffix(options)}{variant}.csv",
        "text/csv; charset=utf-8",
    )


@require_safe
def indicators_csv(request):
    """The live indicators for programs (exports.csv_file)."""
    return _indicators_csv(request, spreadsheet=False)


@require_safe
def indicators_spreadsheet(request):
    """The live indicators for a French spreadsheet (exports.csv_file, «tableur»)."""
    return _indicators_csv(request, spreadsheet=True)


@require_safe
def zones_geojson(request):
    options, refusal = _live_options(request)
    if refusal:
        return _refused_download(refusal)
    name = f"zones-sous-desservies-{options['threshold']}min{_live_suffix(options)}.geojson"
    response = JsonResponse(exports.zones_geojson(services.live_report(**options)))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@departement_staff_required
def scenario_list(request):
    return render(
        request,
        "observatory/scenario_list.html",
        {
            "scenarios": Scenario.objects.select_related("created_by"),
            "model_form": ModelRunForm(),
        },
    )


@departement_staff_required
def scenario_edit(request, pk=None):
    scenario = get_object_or_404(Scenario, pk=pk) if pk else None
    form = ScenarioForm(request.POST or None, instance=scenario)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scenario = services.save_scenario(
                request.user,
                scenario=scenario,
                name=data["name"],
                description=data["description"],
                threshold_minutes=data["threshold_minutes"],
                candidate_ids=[c.pk for c in data["candidate_sites"]],
                project_ids=[p.pk for p in data["project_places"]],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Scénario « {scenario.name} » enregistré.")
            return redirect(scenario)
    threshold = scenario.threshold_minutes if scenario else DEFAULT_THRESHOLD_MINUTES
    return render(
        request,
        "observatory/scenario_form.html",
        {
            "form": form,
            "scenario": scenario,
            "map_geojson": _picker_map(threshold),
            "threshold": threshold,
        },
    )


def _picker_map(threshold: int) -> dict:
    """The composition form's map: today's access by commune at `threshold` minutes, the
    open places, and every candidate site and project as a marker carrying its `key`
    ("candidate:7", "place:12"), which scenario-picker.js ties to the form's checkbox."""
    report = services.live_report(threshold)
    data = exports.map_geojson(report, services.live_sites())
    data["features"] += [
        exports.site_feature(replace(site, kind="other_candidate"), key=site.key)
        for site in services.choosable_sites()
    ]
    return data


@require_POST
@departement_staff_required
def scenario_propose(request):
    """Queue a model run and send the person to its page; the worker solves it."""
    form = ModelRunForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        share = data["target_share"] / 100 if data["target_share"] is not None else None
        try:
            run = runs.request_model_run(
                request.user,
                data["name"],
                services.ModelRequest(
                    model=data["model"],
                    threshold_minutes=data["threshold_minutes"],
                    p=data["p"],
                    target_share=share,
                    include_projects=data["include_projects"],
                ),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Calcul du scénario « {run.name} » lancé.")
            return redirect(run)
    return render(
        request,
        "observatory/scenario_list.html",
        {"scenarios": Scenario.objects.select_related("created_by"), "model_form": form},
        status=400,
    )


@require_safe
@departement_staff_required
def model_run_list(request):
    return render(
        request,
        "observatory/model_run_list.html",
        {
            "runs": ModelRun.objects.select_related("requested_by", "scenario")[:RECENT_RUNS],
            "recent_runs": RECENT_RUNS,
        },
    )


@require_safe
@departement_staff_required
def model_run_detail(request, pk):
    """The run's page. Polled by htmx every 2 s while the run is unfinished: the poll names
    the version it shows (`depuis`, the run's last write) and gets 204 when nothing changed,
    so that the live region is not read out again; else the status fragment."""
    run = get_object_or_404(ModelRun.objects.select_related("requested_by", "scenario"), pk=pk)
    version = str(run.updated_at.timestamp())
    context = {"run": run, "version": version}
    if request.htmx:
        if request.GET.get("depuis") == version:
            return HttpResponse(status=204)
        return render(request, "observatory/_model_run_status.html", context)
    return render(request, "observatory/model_run_detail.html", context)


@require_POST
@departement_staff_required
def model_run_cancel(request, pk):
    run = get_object_or_404(ModelRun, pk=pk)
    try:
        runs.cancel_model_run(request.user, run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Calcul du scénario « {run.name} » annulé.")
    return redirect(run)


@require_safe
@departement_staff_required
def scenario_detail(request, pk):
    scenario = get_object_or_404(Scenario, pk=pk)
    comparison = services.compare_scenario(scenario)
    return render(
        request,
        "observatory/scenario_detail.html",
        {
            "scenario": scenario,
            "comparison": comparison,
            "map_geojson": _scenario_map(comparison),
            "compare_form": ScenarioPairForm.against(scenario),
        },
    )


@require_safe
@departement_staff_required
def scenario_compare(request):
    """Two scenarios side by side (services.compare_scenarios). Without `second` in the
    query: the empty choice, the first scenario preselected when `premier` names one (the
    «Comparer avec…» link of a scenario's page); a refused pair: 400 and the French
    reasons."""
    if "second" not in request.GET:
        form = ScenarioPairForm(initial={"premier": request.GET.get("premier")})
        return render(request, "observatory/scenario_compare.html", {"form": form})
    form = ScenarioPairForm(request.GET)
    if not form.is_valid():
        return render(request, "observatory/scenario_compare.html", {"form": form}, status=400)
    pair = services.compare_scenarios(form.cleaned_data["premier"], form.cleaned_data["second"])
    return render(
        request,
        "observatory/scenario_compare.html",
        {
            "form": form,
            "pair": pair,
            "columns": [
                {
                    "scenario": scenario,
                    "comparison": comparison,
                    "summary": scenario_summary(
                        len(comparison.new_sites), comparison.before.departement.places
                    ),
                    "map": services.report_map(comparison),
                }
                for scenario, comparison in (
                    (pair.first, pair.first_comparison),
                    (pair.second, pair.second_comparison),
                )
            ],
            "minute_classes": _minute_classes(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@departement_staff_required
def scenario_delete(request, pk):
    """GET: the confirmation page naming the scenario (shared by all staff); POST with the
    confirmation field: deletes it. A POST without that field only shows the page."""
    scenario = get_object_or_404(Scenario, pk=pk)
    if request.method == "POST" and request.POST.get("confirmer") == "oui":
        services.delete_scenario(request.user, scenario)
        messages.success(request, f"Scénario « {scenario.name} » supprimé.")
        return redirect("observatory:scenario_list")
    return render(request, "observatory/scenario_delete.html", {"scenario": scenario})


def _scenario_map(comparison: services.ScenarioComparison) -> dict:
    others = [replace(site, kind="other_candidate") for site in comparison.other_candidates]
    return exports.map_geojson(
        comparison.after,
        comparison.existing_sites + comparison.new_sites + others,
        comparison.before,
    )


@require_safe
@departement_staff_required
def scenario_geojson(request, pk):
    scenario = get_object_or_404(Scenario, pk=pk)
    response = JsonResponse(_scenario_map(services.compare_scenario(scenario)))
    response["Content-Disposition"] = f'attachment; filename="scenario-{scenario.pk}.geojson"'
    return response


def _scenario_csv(pk: int, spreadsheet: bool) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    comparison = services.compare_scenario(scenario)
    variant = "-tableur" if spreadsheet else ""
    return _download(
        exports.indicators_csv(comparison.after, spreadsheet),
        f"scenario-{scenario.pk}-indicateurs{variant}.csv",
        "text/csv; charset=utf-8",
    )


@require_safe
@departement_staff_required
def scenario_csv(request, pk):
    """The indicators with the scenario, for programs (exports.csv_file)."""
    return _scenario_csv(pk, spreadsheet=False)


@require_safe
@departement_staff_required
def scenario_spreadsheet(request, pk):
    """The indicators with the scenario, for a French spreadsheet («tableur»)."""
    return _scenario_csv(pk, spreadsheet=True)


@require_safe
@departement_staff_required
def scenario_report(request, pk):
    scenario = get_object_or_404(Scenario, pk=pk)
    comparison = services.compare_scenario(scenario)
    return render(
        request,
        "observatory/scenario_report.html",
        {
            "scenario": scenario,
            "comparison": comparison,
            "summary": scenario_summary(
                len(comparison.new_sites), comparison.before.departement.places
            ),
            "today": timezone.localdate(),
            "map": services.report_map(comparison),
            "minute_classes": _minute_classes(),
        },
    )


def _minute_classes() -> list[tuple[str, str]]:
    """(colour, French label) of each minute class, for the legend of a static map."""
    return list(zip(map_figure.MINUTE_COLOURS, map_figure.minute_class_labels(), strict=True))


@require_safe
@departement_staff_required
def scenario_report_pdf(request, pk):
    scenario = get_object_or_404(Scenario, pk=pk)
    pdf = scenario_pdf(scenario, services.compare_scenario(scenario), timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="scenario-{scenario.pk}.pdf"'
    return response


@departement_staff_required
def candidate_import(request):
    form = CandidateImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_candidate_sites(request.user, upload.read(), upload.name)
        except CandidateImportError as error:
            errors = error.errors
        else:
            messages.success(
                request,
                f"Import terminé : {count(result.created, 'site créé', 'sites créés')}, "
                f"{count(result.updated, 'site mis à jour', 'sites mis à jour')}.",
            )
            return redirect("observatory:candidate_import")
    return render(
        request,
        "observatory/candidate_import.html",
        {
            "form": form,
            "errors": errors,
            "columns": COLUMNS,
            "owner_codes": OWNER_CODES,
            "kind_codes": KIND_CODES,
        },
        status=400 if errors or form.errors else 200,
    )
