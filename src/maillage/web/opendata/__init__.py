"""Open data: the places in the national «Lieux de médiation numérique» schema (CSV and
GeoJSON), the tiers-lieux extension (one row per space), the communes' coverage, a Data
Package describing them, and the schemas themselves (schemas/, with their documentation).

Pure modules (no Django): facts (what the files are made of), osm_hours (OpenStreetMap's
opening_hours), national (the national schema's rows and the correspondence with its
vocabularies), extension (the extension's rows), schema_files (the files of schemas/).
files reads the database and builds the files; views serves them."""
