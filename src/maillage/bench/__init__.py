"""Benchmarks: development tools on top of every app, run by `maillage bench …`.

An app with no models, on top of every other: it imports the apps it measures (places,
booking, api, demo's network patterns, the observatory's engine) and no app imports it. Its
`bench` management command is its only entry point.

- `cli`: the command's arguments and its dispatch (`add_arguments`, `run`);
- `coverage`: the coverage engine against PySAL spopt on real territory data;
- `booking`: the availability and booking benchmarks, each in its own bench database;
- `dataset`: the deterministic synthetic network and bookings of the availability benchmark.
"""
