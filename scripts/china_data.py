"""Build ``sim/data/china_provinces.csv`` and ``china_national.csv`` from sourced statistics.

    python scripts/china_data.py [--source ../shared/data/china]

Reads ``population_by_province.csv`` (2020 census, NBS communiqué No.3 and No.5) from the
project's shared data folder and writes one row per province: a code 0-30 in the census
table's order, the English and Chinese names, the NBS region, the resident population and,
where the stored reprints give it, the share aged 60+. Each row keeps the source address and
note of the figures it was built from, so the model's geography can be traced to them.
``china_national.csv`` holds the national figures the model draws residents with (the age
structure and the urban share, from ``age_structure.csv``) and the split of visits by level
of care its hospitals are checked against (``health_system.csv``), each with its source. The
written files are committed; this script only documents and repeats how they were made.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "sim" / "data" / "china_provinces.csv"
OUT_NATIONAL = ROOT / "sim" / "data" / "china_national.csv"
#: national quantity in the model -> its key in ``age_structure.csv`` (percent, 2020 census)
NATIONAL = {"age_share_0_14": "share[age_0_14]", "age_share_15_59": "share[age_15_59]",
            "age_share_60plus": "share[age_60plus]", "age_share_65plus": "share[age_65plus]",
            "urban_share": "share[urban]"}
_KEY = re.compile(r"^(?P<q>[a-z_0-9]+)\[(?P<en>[^|\]]+)\|(?P<zh>[^|\]]+)\|(?P<reg>[a-z]+)\]$")
#: the split of visits by level of care (NHC monthly statistics, Jan-Oct 2019, one table):
#: model tier -> the ``visits_jan_oct[...]`` rows it adds up. First-level care is the primary
#: care institutions with the primary-level (grade 1) and ungraded hospitals; the shares are
#: of visits to hospitals and primary care together (public-health and other institutions,
#: 4% of visits, are not in the model)
VISIT_TIERS = {"visit_share_first_level": ("primary_care_institutions",
                                           "hospitals_primary_level", "hospitals_ungraded"),
               "visit_share_secondary": ("hospitals_secondary",),
               "visit_share_tertiary": ("hospitals_tertiary",)}
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


def build_national(source: Path) -> list[dict[str, str]]:
    """Return the national rows read from ``source/age_structure.csv`` (2020 values)."""
    found: dict[str, dict[str, str]] = {}
    with open(source / "age_structure.csv", newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if rec["year"] == "2020" and rec["quantity"] in NATIONAL.values():
                found[rec["quantity"]] = rec
    missing = [k for k in NATIONAL.values() if k not in found]
    if missing:
        raise SystemExit(f"age_structure.csv lacks the 2020 values of {missing}")
    rows = [{"quantity": name, "value": f'{float(found[key]["value"]) / 100:.4f}',
             "unit": "share", "year": "2020",
             "source": f'{found[key]["source_url"]} ({found[key]["source_note"]})'}
            for name, key in NATIONAL.items()]
    return rows + build_visit_split(source)


def build_visit_split(source: Path) -> list[dict[str, str]]:
    """Return the split of visits by level of care (:data:`VISIT_TIERS`) from
    ``source/health_system.csv``."""
    visits: dict[str, dict[str, str]] = {}
    with open(source / "health_system.csv", newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            m = re.match(r"^visits_jan_oct\[(?P<k>[a-z_]+)\]$", rec["quantity"])
            if m and rec["year"] == "2019":
                visits[m["k"]] = rec
    keys = [k for ks in VISIT_TIERS.values() for k in ks]
    missing = [k for k in keys if k not in visits]
    if missing:
        raise SystemExit(f"health_system.csv lacks the Jan-Oct 2019 visits of {missing}")
    total = sum(float(visits[k]["value"]) for k in keys)
    src = visits["hospitals_tertiary"]
    return [{"quantity": name,
             "value": f'{sum(float(visits[k]["value"]) for k in ks) / total:.4f}',
             "unit": "share of visits", "year": "2019",
             "source": f'{src["source_url"]} ({src["source_note"]}; '
                       f'{" + ".join(ks)} over hospitals and primary care)'}
            for name, ks in VISIT_TIERS.items()]


def _write(path: Path, rows: list[dict[str, str]], cols: list[str]) -> None:
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data" / "china")
    args = ap.parse_args(argv)
    if not (args.source / "population_by_province.csv").is_file():
        print(f"error: --source {args.source}: no population_by_province.csv there",
              file=sys.stderr)
        return 2
    rows = build(args.source)
    national = build_national(args.source)
    _write(OUT, rows, ["code", "name_en", "name_zh", "nbs_region", "population_2020",
                       "share_60plus", "source", "source_60plus"])
    _write(OUT_NATIONAL, national, ["quantity", "value", "unit", "year", "source"])
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} provinces; "
          f"{OUT_NATIONAL.relative_to(ROOT)}: {len(national)} national figures")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
