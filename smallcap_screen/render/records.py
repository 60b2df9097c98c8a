"""Records (lists of flat dicts) as CSV and JSON text."""

from __future__ import annotations

import csv
import io
import json


def records_json(records: list[dict]) -> str:
    return json.dumps(records, indent=2, allow_nan=False) + "\n"


def records_csv(records: list[dict], fields: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()
