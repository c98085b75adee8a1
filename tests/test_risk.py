"""The risk module against ARX definitions and the closed forms of calibration.md §1.5."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.world.risk import (
    correct_match_probability,
    equivalence_classes,
    expected_classes,
    k_violation_rate,
    risk_measures,
    unique_fraction,
)


def test_hand_table_prosecutor_journalist_marketer():
    # classes: {A: 3 records, B: 1, C: 2}; population sizes A 6, B 4, C 2
    t = pd.DataFrame({"sex": list("fffmmm"), "band": [1, 1, 1, 2, 3, 3]})
    pop = np.array([6, 6, 6, 4, 2, 2])
    r = risk_measures(t, population_sizes=pop, threshold=0.4)
    n, j = 6, 3
    assert r.n_records == n and r.n_classes == j
    assert r.prosecutor_success_rate == pytest.approx(j / n)
    assert r.prosecutor_highest_risk == pytest.approx(1.0)
    # 1/f > 0.4 for f=1 and f=2: records 1 + 2 = 3
    assert r.prosecutor_records_at_risk == pytest.approx(3 / 6)
    # 1/F > 0.4 only for F=2 (class C): 2 records
    assert r.journalist_records_at_risk == pytest.approx(2 / 6)
    assert r.journalist_highest_risk == pytest.approx(1 / 2)
    marketer = (3 / 6 + 1 / 4 + 2 / 2) / 6
    assert r.marketer_success_rate == pytest.approx(marketer)
    assert r.journalist_success_rate == pytest.approx(max(j / (6 + 4 + 2), marketer))
    assert r.unique_fraction == pytest.approx(1 / 6)


def test_without_population_journalist_equals_prosecutor():
    t = {"a": [1, 1, 2, 3, 3, 3], "b": [0, 0, 0, 1, 1, 1]}
    r = risk_measures(t, threshold=0.3)
    assert r.journalist_success_rate == pytest.approx(r.prosecutor_success_rate)
    assert r.marketer_success_rate == pytest.approx(r.n_classes / r.n_records)
    assert r.journalist_records_at_risk == r.prosecutor_records_at_risk


def test_no_quasi_identifiers_is_one_class():
    r = risk_measures(np.zeros((5, 0)))
    assert r.n_classes == 1 and r.prosecutor_success_rate == pytest.approx(0.2)


def test_empty_table():
    r = risk_measures(pd.DataFrame({"a": []}))
    assert r.n_records == 0 and r.prosecutor_success_rate == 0.0


def test_equivalence_classes_handles_wide_keys_without_overflow():
    rng = np.random.default_rng(1)
    cols = {f"c{i}": rng.integers(0, 2**40, 500) for i in range(6)}
    _cls, sizes = equivalence_classes(cols)
    assert sizes.sum() == 500 and len(sizes) == 500  # all distinct


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5])
def test_threshold_validated(bad):
    with pytest.raises(ValueError, match="threshold"):
        risk_measures({"a": [1, 2]}, threshold=bad)


def test_population_sizes_validated():
    with pytest.raises(ValueError, match="one value per record"):
        risk_measures({"a": [1, 2, 2]}, population_sizes=[5, 5])
    with pytest.raises(ValueError, match="F_j must be >= f_j"):
        risk_measures({"a": [1, 2, 2]}, population_sizes=[5, 1, 1])


# ------------------------------------------------------------ closed forms (§1.5)

def test_published_checks_of_calibration_table():
    # John D. Cook's set-up: one ZIP, N = 9,330, d = 2·365·78
    n, d = 9330, 2 * 365 * 78
    assert unique_fraction(n, 1 / d) == pytest.approx(0.8489, abs=1e-4)
    assert expected_classes(n, 1 / d) == pytest.approx(8606, abs=1)
    assert correct_match_probability(1000, 1e-3) == pytest.approx(0.6323, abs=1e-4)


@pytest.mark.parametrize("n,d", [(9330, 56940), (2000, 2000), (5000, 1000)])
def test_risk_module_matches_closed_forms_by_simulation(n, d):
    """A uniform population over d cells: unique fraction, classes, mean 1/S."""
    rng = np.random.default_rng(n + d)
    uniq, classes, pros = [], [], []
    for _ in range(40):
        cells = rng.integers(0, d, n)
        r = risk_measures({"cell": cells})
        uniq.append(r.unique_fraction)
        classes.append(r.n_classes)
        pros.append(r.prosecutor_success_rate)
    lam = n / d
    assert np.mean(uniq) == pytest.approx(unique_fraction(n, 1 / d), abs=0.01)
    assert np.mean(classes) == pytest.approx(expected_classes(n, 1 / d), rel=0.01)
    # average prosecutor risk on a full population = E[J]/N ≈ (1 - e^-λ)/λ
    assert np.mean(pros) == pytest.approx((1 - math.exp(-lam)) / lam, rel=0.01)


def test_heterogeneous_cells_match_closed_form():
    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.ones(3000) * 0.5)
    n = 4000
    sims = [risk_measures({"c": rng.choice(3000, n, p=p)}).unique_fraction for _ in range(30)]
    assert np.mean(sims) == pytest.approx(unique_fraction(n, p), abs=0.01)


def test_correct_match_probability_by_simulation():
    """κ = E[1/(1+X)], X ~ Binomial(N, p): the probability a QI match is the right person."""
    rng = np.random.default_rng(3)
    n, p = 1000, 1e-3
    others = rng.binomial(n, p, 200_000)
    assert np.mean(1.0 / (1.0 + others)) == pytest.approx(
        correct_match_probability(n, p), abs=2e-3)


def test_k_violation_rate_by_simulation():
    rng = np.random.default_rng(11)
    n, p, k = 5000, 1 / 1500, 5
    sizes = 1 + rng.poisson(n * p, 200_000)  # the size of a random person's class
    assert np.mean(sizes < k) == pytest.approx(k_violation_rate(n, p, k), abs=3e-3)


def test_sweeney_order_of_magnitude():
    """US: 281 M people, 33,233 ZCTAs, 80 years × 365 days, 2 sexes: U ≈ 0.865 (87% observed)."""
    d = 33233 * 80 * 365 * 2
    assert unique_fraction(281.4e6, 1 / d) == pytest.approx(0.865, abs=0.005)


def test_attributes_needed_for_half_unique():
    """m ≥ log(N/ln 2)/log c attributes of c levels make half the population unique."""
    n, c = 1e6, 10
    m = math.ceil(math.log(n / math.log(2)) / math.log(c))
    assert m == 7
    assert unique_fraction(n, 1 / c**m) >= 0.5 > unique_fraction(n, 1 / c ** (m - 1))
