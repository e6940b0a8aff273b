import json
import math
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.core.arguments import NumberIn
from maillage.observatory import analysis, engine, exports, services
from maillage.observatory.engine.access import from_pairs
from maillage.observatory.engine.io_csv import MAX_METRES, MAX_MINUTES
from maillage.observatory.models import PopulationSource
from maillage.observatory.population import import_population
from maillage.territory.reference import UnknownDepartement, read_departement

# Sites just across the border (a station on the boundary) still count as inside.
TERRITORY_MARGIN_M = 1000
# Bounds of the solver's options: beyond them the question is not a siting one.
MAX_SITES = 1_000_000
MAX_DETOUR = 10
MAX_SPEED_KMH = 200
MAX_TIME_LIMIT_S = 7 * 24 * 3600


class Command(BaseCommand):
    help = "Observatoire : indicateurs du territoire et modèles de localisation (CSV → JSON)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        solve = commands.add_parser(
            "solve",
            help="Choisir des sites parmi des candidats (MCLP, LSCP, p-médian, p-centre).",
        )
        solve.add_argument("--model", required=True, choices=["mclp", "lscp", "pmedian", "pcenter"])
        solve.add_argument("--demand", required=True, help="CSV id, lon,lat ou x,y, weight")
        solve.add_argument("--candidates", required=True, help="CSV id, lon,lat ou x,y")
        solve.add_argument("--existing", help="CSV des sites existants (toujours ouverts)")
        solve.add_argument(
            "--p", type=NumberIn(0, MAX_SITES, whole=True), help="nombre de sites à ouvrir"
        )
        reach = solve.add_mutually_exclusive_group(required=True)
        reach.add_argument(
            "--radius-m",
            type=NumberIn(0, MAX_METRES, above_low=True),
            help="rayon de couverture en mètres",
        )
        reach.add_argument(
            "--max-minutes",
            type=NumberIn(0, MAX_MINUTES, above_low=True),
            help="temps d'accès maximal en minutes",
        )
        solve.add_argument(
            "--target-share",
            type=NumberIn(0, 1, above_low=True),
            default=1.0,
            help="LSCP : part à couvrir",
        )
        solve.add_argument(
            "--detour",
            type=NumberIn(1, MAX_DETOUR),
            default=engine.DETOUR_FACTOR,
            help="avec --max-minutes : facteur de détour (%(default)s)",
        )
        solve.add_argument(
            "--speed-kmh",
            type=NumberIn(0, MAX_SPEED_KMH, above_low=True),
            default=engine.WALKING_SPEED_KMH,
            help="avec --max-minutes : vitesse de marche en km/h (%(default)s)",
        )
        solve.add_argument("--matrix", help="CSV origin,destination,minutes (r5py, OSRM…)")
        solve.add_argument(
            "--time-limit",
            type=NumberIn(0, MAX_TIME_LIMIT_S, above_low=True),
            help="limite de temps du solveur (s)",
        )
        solve.add_argument(
            "--departement",
            default=settings.MAILLAGE_DEPARTEMENT,
            help="département où les points doivent se trouver (%(default)s) ; « aucun » : "
            "pas de contrôle",
        )
        solve.add_argument("--json", action="store_true", help="sortie JSON")
        population = commands.add_parser(
            "import_population",
            help="Importer une couche de population plus fine (carroyage INSEE ou points).",
        )
        layer = population.add_mutually_exclusive_group(required=True)
        layer.add_argument("--insee", help="CSV du carroyage INSEE 200 m (Idcar_200m, Ind)")
        layer.add_argument("--points", help="CSV id, lon,lat ou x,y, weight")
        population.add_argument("--population-column", default="Ind")
        population.add_argument("--name", help="nom de la couche (par défaut le fichier)")
        population.add_argument("--json", action="store_true", help="résumé JSON")
        indicators = commands.add_parser("indicators", help="Indicateurs du territoire actif.")
        indicators.add_argument(
            "--threshold",
            type=int,
            choices=analysis.THRESHOLDS_MINUTES,
            default=analysis.DEFAULT_THRESHOLD_MINUTES,
            help="seuil en minutes (ceux des pages de l'observatoire)",
        )
        indicators.add_argument(
            "--include-preparing", action="store_true", help="compter les lieux en préparation"
        )
        indicators.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args, action: str, **options):
        try:
            if action == "solve":
                output = self.solve(**options)
            elif action == "import_population":
                output = self.import_population(**options)
            else:
                output = exports.report_as_dict(
                    services.live_report(options["threshold"], options["include_preparing"])
                )
        except engine.EngineInputError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(output, ensure_ascii=False))
        else:
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))

    def import_population(self, *, insee, points, population_column, name, **_) -> dict:
        source = PopulationSource.INSEE_GRID if insee else PopulationSource.POINTS
        path = insee or points
        result = import_population(
            settings.MAILLAGE_DEPARTEMENT,
            path,
            source,
            name or Path(path).name,
            population_column=population_column,
            progress=self.stderr.write,
        )
        return {
            "layer": result.layer.name,
            "points": result.points,
            "population": round(result.population),
            "outside": result.outside,
        }

    def _territory(self, code: str):
        if code == "aucun":
            return None
        try:
            outline = read_departement(code).outline
        except UnknownDepartement as error:
            raise CommandError(str(error)) from error
        return engine.project_geometry(outline).buffer(TERRITORY_MARGIN_M)

    def solve(
        self,
        *,
        model,
        demand,
        candidates,
        existing,
        p,
        radius_m,
        max_minutes,
        target_share,
        detour,
        speed_kmh,
        matrix,
        time_limit,
        departement,
        **_,
    ):
        say = self.stderr.write  # progress on stderr, the result alone on stdout
        if model != "lscp" and p is None:
            raise CommandError(f"--p est obligatoire pour le modèle {model}.")
        if matrix and radius_m is not None:
            raise CommandError("Avec --matrix, donnez le seuil en minutes (--max-minutes).")
        territory = self._territory(departement)
        points = engine.read_demand_csv(demand, territory)
        sites = engine.read_sites_csv(candidates, territory)
        fixed = engine.read_sites_csv(existing, territory) if existing else engine.Sites.empty()
        radius = (
            radius_m
            if radius_m is not None
            else (
                max_minutes if matrix else engine.minutes_to_metres(max_minutes, detour, speed_kmh)
            )
        )
        far = radius if model in ("mclp", "lscp") else math.inf if matrix else 2 * radius
        if matrix:
            instance = self._matrix_instance(matrix, points, sites, fixed, far)
        else:
            instance = engine.build_instance(points, sites, fixed, max_m=far)
        options = {"time_limit": time_limit, "progress": say}
        if model == "mclp":
            result = engine.mclp(instance, p, radius, **options)
        elif model == "lscp":
            result = engine.lscp(instance, radius, target_share, **options)
        elif model == "pmedian":
            result = engine.p_median(instance, p, **options)
        else:
            result = engine.p_center(instance, p, **options)
        return {
            "model": model,
            "objective": result.objective,
            "covered_weight": result.covered_weight,
            "selected": list(result.selected),
            "optimal": result.optimal,
            "gap": result.gap,
            "seconds": round(result.seconds, 4),
        }

    @staticmethod
    def _matrix_instance(path, points, sites, fixed, max_minutes) -> engine.Instance:
        """Travel times from a file: one read, split into candidate and existing columns."""
        site_ids = np.concatenate([sites.ids, fixed.ids])
        full = engine.read_travel_times(path, points.ids, site_ids, max_minutes)
        rows, cols, cost = full.rows(), full.indices, full.cost
        is_candidate = cols < len(sites)
        shape = len(points)
        return engine.Instance(
            weight=points.weight,
            candidates=from_pairs(
                rows[is_candidate],
                cols[is_candidate],
                cost[is_candidate],
                (shape, len(sites)),
                max_minutes,
            ),
            existing=from_pairs(
                rows[~is_candidate],
                cols[~is_candidate] - len(sites),
                cost[~is_candidate],
                (shape, len(fixed)),
                max_minutes,
            ),
            candidate_ids=sites.ids,
        )
