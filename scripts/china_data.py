"""Build ``sim/data/china_provinces.csv`` from the sourced Chinese statistics.

    python scripts/china_data.py [--source ../shared/data/china]

Reads ``population_by_province.csv`` (2020 census, NBS communiqué No.3 and No.5) from the
project's shared data folder and writes one row per province: a code 0-30 in the census
table's order, the English and Chinese names, the NBS region, the resident population and,
where the stored reprints give it, the share aged 60+. Each row keeps the source address and
note of the figures it was built from, so the model's geography can be traced to them. The
written file is committed; this script only documents and repeats how it was made.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "sim" / "data" / "china_provinces.csv"
_KEY = re.compile(r"^(?P<q>[a-z_0-9]+)\[(?P<en>[^|\]]+)\|(?P<zh>[^|\]]+)\|(?P<reg>[a-z]+)\]$")
SUM_OF_PROVINCES = 1_409_778_724  # the census table's own total (without the military)


def build(source: Path) -> list[dict[str, str]]:
    """Return the province rows read from ``source/population_by_province.csv``."""
    rows: dict[str, dict[str, str]] = {}
    with open(source / "population_by_province.csv", newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            m = _KEY.match(rec["quantity"])
            if not m:
                continue
            row = rows.setdefault(m["en"], {
                "name_en": m["en"], "name_zh": m["zh"], "nbs_region": m["reg"],
                "population_2020": "", "share_60plus": "", "source": "", "source_60plus": ""})
            if m["q"] == "resident_population":
                row["population_2020"] = str(int(float(rec["value"])))
                row["source"] = f'{rec["source_url"]} ({rec["source_note"]})'
            elif m["q"] == "age_share_60plus":
                row["share_60plus"] = f'{float(rec["value"]) / 100:.4f}'
                row["source_60plus"] = f'{rec["source_url"]} ({rec["source_note"]})'
    out = [r for r in rows.values() if r["population_2020"]]
    if len(out) != 31:
        raise SystemExit(f"expected 31 provinces with a population, found {len(out)}")
    total = sum(int(r["population_2020"]) for r in out)
    if total != SUM_OF_PROVINCES:
        raise SystemExit(f"the 31 populations add up to {total:,}, not {SUM_OF_PROVINCES:,}")
    for code, r in enumerate(out):
        r["code"] = str(code)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data" / "china")
    args = ap.parse_args(argv)
    if not (args.source / "population_by_province.csv").is_file():
        print(f"error: --source {args.source}: no population_by_province.csv there",
              file=sys.stderr)
        return 2
    rows = build(args.source)
    cols = ["code", "name_en", "name_zh", "nbs_region", "population_2020", "share_60plus",
            "source", "source_60plus"]
    tmp = OUT.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    tmp.replace(OUT)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} provinces")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
