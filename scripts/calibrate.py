"""Fit incident generation to the OCR breach portal and print the defaults to declare.

    python scripts/calibrate.py            # fit shapes, then rates by simulation (~2 min)
    python scripts/calibrate.py --shapes   # shapes only (seconds)

Steps (see ``sim/analysis/calibration.py``):

1. the attack surface exponent from how rarely the largest U.S. insurers are hit; then the
   size of external breaches (median, exponent, spread) against the log10-size quantiles
   and the million / ten-million tails of hacking breaches of 500+ records, OCR 2019-2023,
   on the status quo's institutions;
2. the medians of insider sales and of losses against their 500+ rows (spreads fixed);
3. the three rates, by simulating the status quo until each cause's 500+ incidents per
   million residents a year match the portal's.

The printed values go into ``sim/params.py`` (their ``source`` says "fitted ... by
sim/analysis/calibration.py"); ``python -m sim validate-model`` then checks the declared defaults.
Re-run after changing anything that moves what institutions hold (care rates, tiers,
retention, history, institution counts).
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from sim.analysis import calibration as cal
from sim.params import defaults
from sim.world.attackers import ExternalGroup
from sim.world.model import HealthDataModel

STARTS = [{"breach_size_exponent": e, "breach_size_log10_mean": mu, "breach_size_log10_sd": sd}
          for e in (0.2, 0.5) for mu in (3.5, 4.5) for sd in (0.6, 0.9)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shapes", action="store_true", help="fit the shapes only")
    args = ap.parse_args()
    params = defaults()
    targets = cal.ocr_targets()
    model = HealthDataModel(params, seed=1)
    victims = cal.victim_table(model)
    n_targeted = sum(1 for a in model.attackers if isinstance(a, ExternalGroup) and a.targeted)
    per_year = n_targeted * params["targeted_attacks_per_group_per_year"]
    a = cal.estimate_attack_surface_exponent()
    print(f"attack surface exponent {a:.3f}: the six largest U.S. insurers have "
          f"{cal.large_holder_share():.1%} of the portal's hacking breaches")
    fits = [cal.fit_external_shape(victims, targets["hacking"], targeted_per_year=per_year,
                                   real_millions=model.real_millions,
                                   institution_size_log10_sd=params["institution_size_log10_sd"],
                                   attack_surface_exponent=a, start=s) for s in STARTS]
    best = min(fits, key=lambda f: f["loss"])
    print(f"external shape: loss {best['loss']:.4f} (of {len(fits)} starts; "
          f"losses {sorted(round(f['loss'], 4) for f in fits)[:4]} ...)")
    fitted = {k: best[k] for k in ("attack_surface_exponent", "breach_size_log10_mean",
                                   "breach_size_exponent", "breach_size_log10_sd")}
    ocr = cal.load_ocr()
    for cause, prefix in (("unauthorized_access", "insider_sale"), ("theft_loss", "loss_theft")):
        x = np.log10(ocr.loc[ocr["cause"] == cause, "n"].to_numpy(dtype=float))
        sd = params[f"{prefix}_log10_sd"]
        fitted[f"{prefix}_log10_mean"] = cal.fit_truncated_lognormal(x, sd=sd)
    params.update(fitted)
    params["external_attacks_per_million_per_year"] = best["external_attempts_per_million_per_year"]
    if not args.shapes:
        fitted.update(cal.calibrate_rates(params))
    width = max(map(len, fitted))
    for k, v in fitted.items():
        print(f"  {k:{width}s} = {v:.4g}")
    if not args.shapes:
        got = cal.simulated_ocr_rates({**params, **fitted}, seeds=range(4, 8))
        for cause, rate in got.items():
            want = targets[cause].per_million_year
            print(f"  check {cause:20s} {rate:.3f} per million a year (OCR {want:.3f}; "
                  f"{100 * (rate / want - 1):+.0f}%)")
    assert all(math.isfinite(v) for v in fitted.values())


if __name__ == "__main__":
    main()
