"""Paths and settings: the only place the pipeline learns where things live."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "data" / "raw"
PROCESSED_DIR = ROOT / "data" / "processed"
REFERENCE_DIR = ROOT / "data" / "reference"
CACHE_DIR = ROOT / "data" / "cache"
EXPECTATIONS_DIR = ROOT / "expectations"
SHARED_DIR = ROOT.parent / "shared"

CEASEFIRES_FILE = REFERENCE_DIR / "ceasefires.yaml"
GAZETTEER_SUPPLEMENT_FILE = REFERENCE_DIR / "gazetteer_supplement.csv"
ADMIN_AREAS_FILE = REFERENCE_DIR / "admin_areas.csv"
ACTORS_FILE = REFERENCE_DIR / "actors.csv"
CUES_FILE = REFERENCE_DIR / "cues.csv"

# Local time of the conflict zone (Azerbaijan and Armenia are UTC+4).
DEFAULT_EVENT_UTC_OFFSET_MINUTES = 240

# Countries whose territory events are coded in; places elsewhere (capitals of
# mediators, launch sites abroad) are not event locations.
EVENT_COUNTRIES = ("AZE", "ARM")
