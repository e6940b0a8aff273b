"""Management commands refuse odd arguments with a French message, never a traceback."""

import argparse

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class

from maillage.core.arguments import NumberIn

PROJECT_COMMANDS = sorted(
    (name, app) for name, app in get_commands().items() if app.startswith("maillage.")
)
HOSTILE_NUMBERS = ["nan", "-nan", "inf", "-inf", "1e400", "-1", "0", "1e308", "", "½", "0x10"]


def _actions(parser: argparse.ArgumentParser):
    """Every option of a parser and of its sub-commands."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _actions(sub)
        else:
            yield action


def _numeric_options():
    for name, app in PROJECT_COMMANDS:
        parser = load_command_class(app, name).create_parser("maillage", name)
        for action in _actions(parser):
            if action.type is not None:
                yield name, action


def test_the_project_has_commands_with_numeric_options():
    assert {name for name, _ in _numeric_options()} >= {
        "observatory",
        "worker",
        "scheduler",
        "bench",
    }


@pytest.mark.parametrize(
    ("command", "action"),
    [pytest.param(n, a, id=f"{n} {'/'.join(a.option_strings)}") for n, a in _numeric_options()],
)
def test_every_numeric_option_is_bounded(command, action):
    """Bare int or float let nan, inf and absurd values through: a bounded NumberIn or a
    list of choices instead."""
    assert isinstance(action.type, NumberIn) or action.choices, (
        f"{command} {action.option_strings}: type=NumberIn(...) or choices"
    )
    if isinstance(action.type, NumberIn):
        for raw in HOSTILE_NUMBERS:
            try:
                value = action.type(raw)
            except argparse.ArgumentTypeError as refusal:
                assert "attendu" in str(refusal)
            else:
                assert action.type.low <= value <= action.type.high


def test_number_in_names_the_range():
    with pytest.raises(argparse.ArgumentTypeError, match="strictement supérieur à 0 et au plus 1"):
        NumberIn(0, 1, above_low=True)("nan")
    assert NumberIn(0, 10, whole=True)("7") == 7
    with pytest.raises(argparse.ArgumentTypeError, match="nombre entier entre 0 et 10"):
        NumberIn(0, 10, whole=True)("7.5")


@pytest.mark.parametrize("every", ["nan", "-1", "inf", "0"])
@pytest.mark.parametrize(
    ("command", "option"), [("worker", "--interval"), ("scheduler", "--interval")]
)
def test_the_task_loops_refuse_an_odd_pause(command, option, every):
    with pytest.raises(CommandError, match=f"{option}.*refusé"):
        call_command(command, option, every)


DEMAND = "id,lon,lat,weight\nd1,2.2400,48.8350,100\n"
CANDIDATES = "id,lon,lat\nc1,2.2410,48.8360\n"


@pytest.fixture
def csv_files(tmp_path):
    (tmp_path / "demand.csv").write_text(DEMAND)
    (tmp_path / "candidates.csv").write_text(CANDIDATES)
    return tmp_path


@pytest.mark.parametrize(
    "odd",
    [
        ["--p", "1", "--radius-m", "nan"],
        ["--p", "1", "--radius-m", "inf"],
        ["--p", "1", "--radius-m", "0"],
        ["--p", "1", "--max-minutes", "15", "--speed-kmh", "0"],
        ["--p", "1", "--max-minutes", "15", "--detour", "nan"],
        ["--p", "1", "--radius-m", "800", "--time-limit", "-1"],
        ["--p", "1e3", "--radius-m", "800"],
    ],
)
def test_solve_refuses_odd_numbers(csv_files, odd):
    """A radius of nan gave an «optimal» empty answer, a speed of 0 a p-median of nothing."""
    with pytest.raises(CommandError, match="refusé"):
        call_command(
            "observatory",
            "solve",
            "--model",
            "mclp",
            "--demand",
            str(csv_files / "demand.csv"),
            "--candidates",
            str(csv_files / "candidates.csv"),
            *odd,
        )


def test_solve_refuses_a_folder_as_a_file(csv_files):
    """A folder for a CSV ended in IsADirectoryError's traceback."""
    with pytest.raises(CommandError, match="dossier, un fichier CSV est attendu"):
        call_command(
            "observatory",
            "solve",
            "--model",
            "mclp",
            "--p",
            "1",
            "--radius-m",
            "800",
            "--demand",
            str(csv_files),
            "--candidates",
            str(csv_files / "candidates.csv"),
        )


@pytest.mark.django_db
def test_import_population_refuses_a_folder(csv_files, territory):
    from maillage.observatory.models import PopulationLayer

    with pytest.raises(CommandError, match="dossier"):
        call_command("observatory", "import_population", "--points", str(csv_files))
    assert not PopulationLayer.objects.exists()


@pytest.mark.parametrize("threshold", ["-1", "0", "7", "99999999999999999999"])
def test_indicators_take_the_thresholds_of_the_pages(threshold):
    with pytest.raises(CommandError, match="--threshold"):
        call_command("observatory", "indicators", "--threshold", threshold)
