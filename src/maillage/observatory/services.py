"""Observatory use cases: reports, scenarios, model runs, the candidate-site inventory."""

import logging
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from shapely.geometry import shape

from maillage.accounts.roles import has_departement_rights
from maillage.core.model_fields import own_field
from maillage.core.text import euros, integer, minutes, percent
from maillage.observatory import analysis, engine, map_figure
from maillage.observatory.candidate_import import (
    FIELD_COLUMNS,
    CandidateImportError,
    CandidateRow,
    Position,
    read_candidate_csv,
)
from maillage.observatory.models import (
    CandidateSite,
    ModelRunStage,
    Scenario,
    ScenarioOrigin,
    SitingModel,
)
from maillage.observatory.wording import cost_cell, cost_sentence, count_people
from maillage.territory.models import Commune

logger = logging.getLogger(__name__)

STAFF_ONLY = "L'observatoire détaillé est réservé aux agents du Département."
# p-median counts access beyond this many times the threshold as failed.
FAR_ACCESS_FACTOR = 2


def require_staff(actor) -> None:
    """Raises PermissionDenied (French) unless `actor` is Département staff."""
    if not has_departement_rights(actor):
        raise PermissionDenied(STAFF_ONLY)


def live_sites(include_preparing: bool = False) -> list[analysis.SitePoint]:
    code = settings.MAILLAGE_DEPARTEMENT
    sites = analysis.open_places(code)
    return sites + analysis.preparing_places(code) if include_preparing else sites


def live_report(
    threshold: int = analysis.DEFAULT_THRESHOLD_MINUTES, include_preparing: bool = False
) -> analysis.CoverageReport:
    """Today's network: open places, and those in preparation when asked."""
    return analysis.coverage_report(
        settings.MAILLAGE_DEPARTEMENT, live_sites(include_preparing), threshold
    )


def scenario_sites(scenario: Scenario) -> list[analysis.SitePoint]:
    code = settings.MAILLAGE_DEPARTEMENT
    return analysis.candidate_points(
        code, scenario.candidate_sites.values_list("pk", flat=True)
    ) + analysis.project_places(code, scenario.project_places.values_list("pk", flat=True))


@dataclass(frozen=True)
class ScenarioCost:
    """What a scenario's sites cost: the sum of the known estimates (cents), how many sites
    have one and how many have none (candidate sites without an estimate, places in
    preparation, which carry no cost)."""

    total_cents: int
    priced: int
    unpriced: int

    @property
    def sentence(self) -> str:
        """The cost in French (wording.cost_sentence)."""
        return cost_sentence(self.total_cents, self.priced, self.unpriced)


def scenario_cost(scenario: Scenario) -> ScenarioCost:
    """The total estimated cost of the scenario's sites (ScenarioCost)."""
    costs = list(scenario.candidate_sites.values_list("estimated_cost_cents", flat=True))
    known = [cents for cents in costs if cents is not None]
    return ScenarioCost(
        total_cents=sum(known),
        priced=len(known),
        unpriced=len(costs) - len(known) + scenario.project_places.count(),
    )


@dataclass(frozen=True)
class ScenarioComparison:
    before: analysis.CoverageReport
    after: analysis.CoverageReport
    new_sites: list[analysis.SitePoint]
    existing_sites: list[analysis.SitePoint]
    other_candidates: list[analysis.SitePoint]
    cost: ScenarioCost

    def communes(self):
        """(before, after) figures of each commune, the most improved first."""
        threshold = self.after.threshold
        pairs = [(b, self.after.commune(b.code)) for b in self.before.communes]
        return sorted(
            pairs,
            key=lambda pair: (
                -(pair[1].share_within[threshold] - pair[0].share_within[threshold]),
                pair[0].name,
            ),
        )


def choosable_sites() -> list[analysis.SitePoint]:
    """Every site a scenario may open: the candidate sites, then the projects and places in
    preparation, of the département."""
    code = settings.MAILLAGE_DEPARTEMENT
    return analysis.candidate_points(code) + analysis.project_places(code)


def compare_scenario(scenario: Scenario) -> ScenarioComparison:
    code = settings.MAILLAGE_DEPARTEMENT
    existing = analysis.open_places(code)
    new_sites = scenario_sites(scenario)
    threshold = scenario.threshold_minutes
    chosen = {site.key for site in new_sites}
    others = choosable_sites()
    return ScenarioComparison(
        before=analysis.coverage_report(code, existing, threshold),
        after=analysis.coverage_report(code, existing + new_sites, threshold),
        new_sites=new_sites,
        existing_sites=existing,
        other_candidates=[site for site in others if site.key not in chosen],
        cost=scenario_cost(scenario),
    )


@dataclass(frozen=True)
class PairRow:
    """One indicator of two scenarios side by side, in French: its name, each scenario's
    value and the second's difference to the first ("" when the two cannot be compared)."""

    label: str
    first: str
    second: str
    difference: str


def _signed(value: float, text: Callable[[float], str]) -> str:
    """A difference with its sign: «+1 200», «−0,5 min», «0» (the typographic minus)."""
    if round(value, 6) == 0:
        return text(0.0)
    return ("+" if value > 0 else "\u2212") + text(abs(value))


def _reach(comparison: ScenarioComparison, report: analysis.CoverageReport) -> float:
    """Inhabitants of the département within the scenario's threshold, in `report`."""
    area = report.departement
    return area.population * area.share_within[comparison.after.threshold]


@dataclass(frozen=True)
class ScenarioPair:
    """Two scenarios compared with today's network each (compare_scenario), to be read side
    by side (compare_scenarios)."""

    first: Scenario
    second: Scenario
    first_comparison: ScenarioComparison
    second_comparison: ScenarioComparison

    @property
    def same_threshold(self) -> bool:
        """Whether both count access at the same walking time: otherwise the people within
        reach and the under-served zones are measured differently and not compared."""
        return self.first.threshold_minutes == self.second.threshold_minutes

    @property
    def threshold_warning(self) -> str:
        """The French warning shown when the thresholds differ, "" when they do not."""
        if self.same_threshold:
            return ""
        return (
            "Ces deux scénarios n'ont pas le même seuil d'accès "
            f"({self.first.threshold_minutes} minutes pour « {self.first.name} », "
            f"{self.second.threshold_minutes} minutes pour « {self.second.name} ») : "
            "les habitants à portée et les zones sous-desservies ne se comparent pas, "
            "leur écart n'est pas calculé."
        )

    def rows(self) -> list[PairRow]:
        """The headline indicators of both scenarios (PairRow), in the table's order:
        inhabitants within reach today and with the scenario (count and share), the gain,
        inhabitants in under-served zones, mean walking time, sites opened, estimated cost
        (the total of the known estimates; its difference only when every site of both
        scenarios has one)."""
        a, b = self.first_comparison, self.second_comparison
        rows: list[PairRow] = []

        def add(label, value, text, comparable=True):
            first, second = value(a), value(b)
            difference = _signed(second - first, text) if comparable else ""
            rows.append(PairRow(label, text(first), text(second), difference))

        def reach_text(report_of):
            def text(comparison: ScenarioComparison) -> str:
                report = report_of(comparison)
                share = report.departement.share_within[comparison.after.threshold]
                return f"{count_people(_reach(comparison, report))} ({percent(share)})"

            return text

        within = (
            f"Habitants à {a.after.threshold} min ou moins"
            if self.same_threshold
            else "Habitants sous le seuil de chaque scénario"
        )
        for label, report_of in (
            (f"{within}, aujourd'hui", lambda c: c.before),
            (f"{within}, avec le scénario", lambda c: c.after),
        ):
            text = reach_text(report_of)
            first, second = text(a), text(b)
            difference = (
                _signed(_reach(b, report_of(b)) - _reach(a, report_of(a)), count_people)
                if self.same_threshold
                else ""
            )
            rows.append(PairRow(label, first, second, difference))
        add(
            "Habitants gagnés par rapport à aujourd'hui",
            lambda c: _reach(c, c.after) - _reach(c, c.before),
            count_people,
            self.same_threshold,
        )
        add(
            "Habitants en zone sous-desservie, avec le scénario",
            lambda c: c.after.underserved_population,
            count_people,
            self.same_threshold,
        )
        add(
            "Temps d'accès moyen, avec le scénario",
            lambda c: c.after.departement.mean_minutes,
            minutes,
            all(math.isfinite(c.after.departement.mean_minutes) for c in (a, b)),
        )
        add("Sites ouverts par le scénario", lambda c: len(c.new_sites), integer)
        first_cost, second_cost = a.cost, b.cost
        rows.append(
            PairRow(
                "Coût estimé des sites (coûts connus)",
                cost_cell(first_cost.total_cents, first_cost.priced, first_cost.unpriced),
                cost_cell(second_cost.total_cents, second_cost.priced, second_cost.unpriced),
                _signed(second_cost.total_cents - first_cost.total_cents, lambda c: euros(round(c)))
                if not first_cost.unpriced and not second_cost.unpriced
                else "",
            )
        )
        return rows


def compare_scenarios(first: Scenario, second: Scenario) -> ScenarioPair:
    """Two different scenarios, each compared with today's network (compare_scenario),
    side by side (ScenarioPair: its rows, the difference of the second to the first).

    Raises ValueError when `first` and `second` are the same scenario (the form refuses
    that in French first)."""
    if first.pk == second.pk:
        raise ValueError("compare_scenarios needs two different scenarios")
    return ScenarioPair(
        first=first,
        second=second,
        first_comparison=compare_scenario(first),
        second_comparison=compare_scenario(second),
    )


def report_map(comparison: ScenarioComparison) -> map_figure.SvgMap:
    """The scenario's static map for the printable report (map_figure.SvgMap): communes
    coloured by their mean walking time with the scenario, its under-served zones, the open
    places and the sites it opens."""
    geometries = dict(
        Commune.objects.filter(
            insee_code__in=[c.code for c in comparison.after.communes]
        ).values_list("insee_code", "geometry")
    )
    return map_figure.svg_map(
        [(c.name, geometries[c.code], c.mean_minutes) for c in comparison.after.communes],
        [zone.geometry for zone in comparison.after.underserved],
        [(s.label, s.longitude, s.latitude) for s in comparison.existing_sites],
        [(s.label, s.longitude, s.latitude) for s in comparison.new_sites],
    )


@transaction.atomic
def save_scenario(
    actor,
    *,
    name: str,
    description: str = "",
    threshold_minutes: int = analysis.DEFAULT_THRESHOLD_MINUTES,
    candidate_ids: Iterable[int] = (),
    project_ids: Iterable[int] = (),
    scenario: Scenario | None = None,
    origin: str = ScenarioOrigin.MANUAL,
    model: str = "",
    model_result: dict | None = None,
) -> Scenario:
    require_staff(actor)
    code = settings.MAILLAGE_DEPARTEMENT
    scenario = scenario or Scenario(created_by=actor)
    scenario.name = name
    scenario.description = description
    scenario.threshold_minutes = threshold_minutes
    scenario.origin = origin
    scenario.model = model
    scenario.model_result = model_result or {}
    scenario.full_clean()
    scenario.save()
    candidates = CandidateSite.objects.filter(
        pk__in=list(candidate_ids), commune__departement_id=code
    )
    projects = [int(p.key.split(":")[1]) for p in analysis.project_places(code, project_ids)]
    scenario.candidate_sites.set(candidates)
    scenario.project_places.set(projects)
    return scenario


@transaction.atomic
def delete_scenario(actor, scenario: Scenario) -> None:
    require_staff(actor)
    scenario.delete()


@dataclass(frozen=True)
class ModelRequest:
    model: str
    threshold_minutes: int = analysis.DEFAULT_THRESHOLD_MINUTES
    p: int | None = None
    target_share: float | None = None
    include_projects: bool = True
    time_limit: float | None = 60.0


def model_candidates(request: ModelRequest) -> list[analysis.SitePoint]:
    """The sites a model may choose from (candidate sites, and projects when asked), once
    the request is checked against them. Cheap: run before a run is queued.

    Raises ValidationError (French, keyed by the form's field) when there is nothing to
    choose from or when p is missing, below 1 or above the number of candidates."""
    code = settings.MAILLAGE_DEPARTEMENT
    candidates = analysis.candidate_points(code)
    if request.include_projects:
        candidates += analysis.project_places(code)
    if not candidates:
        raise ValidationError({"model": "Aucun site candidat ni projet : rien à choisir."})
    if request.model in (SitingModel.MCLP, SitingModel.PMEDIAN, SitingModel.PCENTER):
        if not request.p or request.p < 1:
            raise ValidationError({"p": "Indiquez le nombre de sites à ouvrir (au moins 1)."})
        if request.p > len(candidates):
            raise ValidationError(
                {"p": f"{request.p} sites demandés, mais seulement {len(candidates)} candidats."}
            )
    return candidates


def run_model(
    request: ModelRequest,
    progress: Callable[[str], None] | None = None,
    stage: Callable[[str], None] | None = None,
):
    """Run a siting model on the live territory: open places fixed, candidate sites (and
    projects) to choose from. Returns the engine's selection and the candidate points.

    `progress` receives the engine's messages (French); `stage` each `ModelRunStage` value
    as the run reaches it (reading the data, computing distances, solving). Either may
    raise to stop the run. Raises ValidationError (French) for a request the data or the
    engine refuse."""
    stage = stage or (lambda _: None)
    stage(ModelRunStage.DATA)
    candidates = model_candidates(request)
    code = settings.MAILLAGE_DEPARTEMENT
    radius = engine.minutes_to_metres(request.threshold_minutes, **analysis.walking())
    demand = analysis.territory_demand(code).demand
    existing = analysis.engine_sites(analysis.open_places(code))
    if request.model in (SitingModel.MCLP, SitingModel.LSCP):
        far = radius
    elif request.model == SitingModel.PCENTER and len(existing):
        # The open places alone already reach everyone within this: no farther pair matters.
        far = float(engine.nearest_distance(demand, existing)[0].max())
    elif request.model == SitingModel.PCENTER:
        far = float("inf")
    else:
        far = radius * FAR_ACCESS_FACTOR
    stage(ModelRunStage.INSTANCE)
    instance = engine.build_instance(demand, analysis.engine_sites(candidates), existing, max_m=far)
    stage(ModelRunStage.SOLVE)
    options: dict[str, Any] = {"time_limit": request.time_limit, "progress": progress}
    p = request.p or 0  # set, at least 1, for the models that use it (checked above)
    try:
        if request.model == SitingModel.MCLP:
            result = engine.mclp(instance, p, radius, **options)
        elif request.model == SitingModel.LSCP:
            share = request.target_share if request.target_share is not None else 0.9
            result = engine.lscp(instance, radius, share, **options)
        elif request.model == SitingModel.PMEDIAN:
            result = engine.p_median(instance, p, **options)
        elif request.model == SitingModel.PCENTER:
            result = engine.p_center(instance, p, **options)
        else:
            raise ValidationError({"model": f"Modèle inconnu « {request.model} »."})
    except engine.EngineInputError as error:
        # Infeasible, or no solution within the time limit: the engine's words, no data.
        logger.warning("Siting model %s gave no selection: %s", request.model, error)
        field = "target_share" if request.model == SitingModel.LSCP else "model"
        raise ValidationError({field: f"{str(error)[:1].upper()}{str(error)[1:]}."}) from error
    if not result.optimal:
        logger.warning(
            "Siting model %s stopped at its time limit (%s s) before proving its selection "
            "optimal: gap %.4f after %.1f s",
            request.model,
            request.time_limit,
            result.gap,
            result.seconds,
        )
    return result, candidates


def save_model_scenario(
    actor, name: str, request: ModelRequest, result, candidates: list[analysis.SitePoint]
) -> Scenario:
    """A scenario made of the sites a model chose (`result.selected_index` into
    `candidates`, as `run_model` returns them), with the model's figures."""
    chosen = [candidates[i] for i in result.selected_index]
    ids: dict[str, list[int]] = {"candidate": [], "place": []}
    for point in chosen:
        prefix, pk = point.key.split(":")
        ids[prefix].append(int(pk))
    return save_scenario(
        actor,
        name=name,
        threshold_minutes=request.threshold_minutes,
        candidate_ids=ids["candidate"],
        project_ids=ids["place"],
        origin=ScenarioOrigin.MODEL,
        model=request.model,
        model_result={
            "objective": result.objective,
            "covered_weight": result.covered_weight,
            "optimal": result.optimal,
            "gap": result.gap,
            "seconds": round(result.seconds, 3),
            "p": request.p,
            "target_share": request.target_share,
        },
    )


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


# The fields an import writes, besides the reference it matches on.
IMPORTED_FIELDS = [
    "name",
    "address",
    "commune",
    "latitude",
    "longitude",
    "owner",
    "kind",
    "surface_m2",
    "available_from",
    "thd_available",
    "estimated_cost_cents",
    "notes",
]


# PostgreSQL array type of each imported field's values.
ARRAY_TYPES = {
    "SlugField": "text",
    "CharField": "text",
    "TextField": "text",
    "ForeignKey": "bigint",
    "FloatField": "float8",
    "PositiveIntegerField": "bigint",
    "PositiveBigIntegerField": "numeric",
    "DateField": "date",
    "BooleanField": "boolean",
    "DateTimeField": "timestamptz",
}


def _upsert_candidates(rows: list[CandidateRow], commune_at: dict[int, Commune]) -> None:
    """Insert or update (by reference) every row, in one statement on PostgreSQL (columns
    sent as arrays, unnested) and one executemany on SQLite (run in C, no round trip).

    Hand-written because Django's bulk_create prepares each value through its field (15 s
    for 100,000 rows here) where these plain values need no preparation but dates', and
    PostgreSQL takes a second for what costs it 20 s as 100,000 statements.
    INSERT … ON CONFLICT is SQLite's (3.24+) and PostgreSQL's syntax alike."""
    meta = CandidateSite._meta
    names = ["reference", *IMPORTED_FIELDS, "updated_at", "is_fictional", "created_at"]
    fields = [own_field(CandidateSite, name) for name in names]
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    values = [
        [row.reference]
        + [
            commune_at[row.line].pk
            if name == "commune"
            else ops.adapt_datefield_value(row.available_from)
            if name == "available_from"
            else getattr(row, name)
            for name in IMPORTED_FIELDS
        ]
        + [now, False, now]
        for row in rows
    ]
    quote = ops.quote_name
    columns = [str(field.column) for field in fields]
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # Arrays of the columns' base types: the insert itself checks lengths and ranges.
        arrays = ", ".join(f"%s::{ARRAY_TYPES[field.get_internal_type()]}[]" for field in fields)
        source = f"SELECT * FROM unnest({arrays})"  # noqa: S608 (types from ARRAY_TYPES)
        parameters = [list(column) for column in zip(*values, strict=True)]
    else:
        source, parameters = f"VALUES ({', '.join(['%s'] * len(columns))})", values
    # Identifiers come from the model, quoted by the backend; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) {source} "  # noqa: S608
        f"ON CONFLICT ({quote(columns[0])}) DO UPDATE SET "
        + ", ".join(f"{quote(column)} = EXCLUDED.{quote(column)}" for column in columns[1:-2])
    )
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute(sql, parameters)
        else:
            cursor.executemany(sql, parameters)


def _commune_indexes(communes: list[Commune], positions: list[Position]) -> np.ndarray:
    """Index into `communes` of the commune holding each position (-1 outside); on a shared
    border, the first commune in the list."""
    polygons = [shape(c.geometry) for c in communes]
    tree = shapely.STRtree(polygons)
    points = shapely.points(
        [p.longitude for p in positions], [p.latitude for p in positions]
    ).reshape(-1)
    point_index, polygon_index = tree.query(points, predicate="intersects")
    owner = np.full(len(positions), len(communes), dtype=np.int64)
    np.minimum.at(owner, point_index, polygon_index)
    owner[owner == len(communes)] = -1
    return owner


def _field_problems(rows: list[CandidateRow]) -> Iterator[tuple[int, str, str]]:
    """(line, column, message) of each breach of the model fields' own rules (length,
    range, characters…) by the imported rows."""
    for name, column in FIELD_COLUMNS.items():
        field = own_field(CandidateSite, name)
        for row in rows:
            value = getattr(row, name)
            if value in field.empty_values:
                continue
            try:
                field.run_validators(value)
            except ValidationError as error:
                for message in error.messages:
                    yield row.line, column, message


def import_candidate_sites(actor, content: bytes, filename: str) -> ImportResult:
    """Create or update candidate sites by reference: every row is valid, or nothing is written.

    Every problem of the file is reported at once (CandidateImportError, French, one line per
    problem naming the row and the column): the CSV's own rules, the model fields' rules and
    the département the point must lie in. The file is read and checked before the write
    transaction opens, which then holds one bulk upsert by reference.
    """
    require_staff(actor)
    try:
        parsed = read_candidate_csv(content, filename)
        communes = list(Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT))
        indexes = _commune_indexes(communes, parsed.positions)
        commune_at = {}
        for position, k in zip(parsed.positions, indexes, strict=True):
            if k < 0:
                parsed.problems.error(
                    position.line,
                    f"le point ({position.latitude}, {position.longitude}) est hors du département",
                    "latitude",
                    "longitude",
                )
            else:
                commune_at[position.line] = communes[k]
        for line, column, message in _field_problems(parsed.rows):
            parsed.problems.error(line, message, column)
        parsed.raise_problems()
    except CandidateImportError as error:
        # Counts only (the rows are the file's content); the person sees every problem.
        logger.info("Candidate import by user %s refused: %s problems", actor.pk, len(error.errors))
        raise
    with transaction.atomic():
        existing = set(CandidateSite.objects.values_list("reference", flat=True))
        _upsert_candidates(parsed.rows, commune_at)
    created = sum(row.reference not in existing for row in parsed.rows)
    logger.info(
        "Candidate import by user %s: %s sites created, %s updated",
        actor.pk,
        created,
        len(parsed.rows) - created,
    )
    return ImportResult(created=created, updated=len(parsed.rows) - created)
