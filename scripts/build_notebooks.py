"""Write the notebooks in notebooks/ from the cells below and execute them in place.

    python scripts/build_notebooks.py            # all
    python scripts/build_notebooks.py 04         # those whose file name contains "04"

Executing stores the reference outputs that ``pytest --nbval-lax`` compares (only cells
marked ``# NBVAL_CHECK_OUTPUT``). Run it deliberately after a model change that moves the
notebooks' numbers, look at the diff, and commit it with a message that says why.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NB = ROOT / "notebooks"

md = nbformat.v4.new_markdown_cell


def code(src: str, check: bool = False, skip: bool = False):
    """A code cell; ``check`` marks its output for nbval, ``skip`` keeps nbval from running it."""
    src = src.strip("\n")
    if check:
        src = "# NBVAL_CHECK_OUTPUT\n" + src
    if skip:
        src = "# NBVAL_SKIP\n" + src
    return nbformat.v4.new_code_cell(src)


SETUP = code('''
import warnings
import pandas as pd
import sim

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 12)
warnings.filterwarnings("ignore", category=DeprecationWarning)
SMALL = {"n_residents": 3000, "n_days": 365}  # small populations keep the notebook quick
''')

NOTEBOOKS: dict[str, list] = {}

# ------------------------------------------------------------------------- 01 quick start
NOTEBOOKS["01_quick_start.ipynb"] = [
    md("""# 1. Quick start: run a scenario and read its outcomes

The workbench simulates a country's residents, hospitals, platforms and attackers day by day
under a data policy. This notebook runs the **2025 plan** (a national platform keyed on the
ID-card number, extended collection, implied consent, health + insurance + payment codes
integrated) and explains each outcome.

Every number comes with a 95% interval over *replications*: the same policy run with
different random seeds. A single run is never the answer."""),
    SETUP,
    md("## The scenario\nScenarios are YAML files in `scenarios/`; every value is validated "
       "against the parameter declaration."),
    code('''
plan = sim.load_scenario("national_plan_2025")
print(plan.description)
print({k: plan.params[k] for k in ["architecture", "identity", "collection_scope",
                                   "consent_model", "code_integration", "access_breadth"]})
''', check=True),
    md("## Run five replications\n`sim.run` returns tidy tables: `runs` (one row per "
       "replication, with every parameter and outcome) and `daily` (a long time series)."),
    code('''
result = sim.run(plan, seed=1, reps=5, overrides=SMALL)
summary = result.summary()
summary[["label", "unit", "direction", "mean", "ci_low", "ci_high"]].round(4)
''', check=True),
    md("""## What the outcomes mean

* **Privacy risk** (lower is better): `residents_exposed_rate` is the share of residents
  with a sensitive field (clinical, financial, location) exposed in a form that can be tied
  to them; `harm_per_1000` weights each exposed field by its sensitivity; `breaches`,
  `insider_incidents` and `function_creep_incidents` are real-world counts for the 1.41
  billion people the sample stands for; `mean_dossier_completeness` and
  `dossier_over_half_rate` say how much data brokers have linked about people;
  `quasi_identifier_risk` says how identifying the leaked records would be even without
  names and ID numbers. Under the plan every record carries the ID-card number, so the
  re-identification risks of pseudonymised leaks are not measured (NaN): re-identification
  is certain by design.
* **Clinical utility** (higher is better): `utility_rate` is the share of the clinically
  needed information clinicians actually get, weighted by how much each field matters for
  the kind of encounter; clinicians consult a shared record at about one encounter in five
  where one exists, as England's Summary Care Record was used. `emergency_info_rate` is the
  share needed at emergencies far from home, counting what a conscious patient can tell as
  well as the records; `adverse_events_averted`, `duplicate_tests_avoided` and
  `admissions_avoided` are simulated events per 1,000 residents, drawn at the visits where
  shared information was used with the published effect sizes.

Units, directions and definitions of every outcome: `docs/outcomes.md`."""),
    code('''
for name in ["residents_exposed_rate", "utility_rate", "emergency_info_rate"]:
    o = sim.OUTCOMES[name]
    print(f"{name}: {o.unit}; {'lower' if o.direction == 'min' else 'higher'} is better")
    print("   ", o.definition)
''', check=True),
    md("## Over the year"),
    code('''
from sim.app.dashboards.plots import plot_timeseries
fig = plot_timeseries({"2025 plan": result.daily});
''', skip=False),
    md("## The Mesa model itself\nFor research, the model is an ordinary `mesa.Model`: "
       "institutions and attackers are Mesa agents; the sharing network is a networkx graph "
       "whose edges are the flows the model reads (who holds, and who can read, whose "
       "records); every incident is a row of `ledger.incident_table()`."),
    code('''
m = sim.HealthDataModel(plan, seed=1, **SMALL)
m.run()
print(len(m.institution_list), "institutions,", len(m.attackers), "attackers,",
      m.graph.number_of_edges(), "sharing flows")
incidents = m.ledger.incident_table()
print(len(incidents), "incidents; the first:", incidents.loc[0, "kind"], "on day",
      incidents.loc[0, "day"])
''', check=True),
    md("Where the run's time went, phase by phase of the day (`m.profile()`; timings vary):"),
    code('''
print(m.profile().round(3).to_string(index=False))
'''),
]

# --------------------------------------------------------------------- 02 compare policies
NOTEBOOKS["02_compare_policies.ipynb"] = [
    md("""# 2. Compare policies: the status quo and the 2025 plan

A comparison runs both policies on the **same seeds**: the same residents fall ill on the
same days at the same places, so the differences are the policy's doing (common random
numbers). Results are paired differences with 95% intervals."""),
    SETUP,
    code('''
from sim.analysis import comparison_verdict

cmp = sim.compare("status_quo", "national_plan_2025", seed=7, reps=8, overrides=SMALL)
for line in comparison_verdict(cmp.differences, "the status quo", "The 2025 plan"):
    print(line)
''', check=True),
    code('''
cmp.differences[["mean_a", "mean_b", "diff_mean", "diff_low", "diff_high", "b_better"]].round(4)
''', check=True),
    md("""## The dashboard

Planners can do the same without code: pick a baseline and a reform, move the reform's
levers, press **Compare**. It shows the verdict first, who bears the risk and who gains (by
privacy attitude, age band, province, town or country, smartphone use, care at home or
away), and exports a self-contained HTML
report and the reform as a scenario file that records only what differs.

(The same dashboard runs as a web page with Voila: see the README.)"""),
    code('''
from sim.app.dashboards import ComparisonDashboard
dash = ComparisonDashboard(baseline="status_quo", reform="national_plan_2025", reps=4,
                           worlds=16)  # then tested across 16 plausible worlds
dash.settings.residents.value = 2000
dash.compare(block=True)  # in the page, the Compare button does this in the background
dash
'''),
    code('''
print(dash.reform_yaml)
''', check=True),
    code('''
dash.group_table(dash.result).round(4)
''', check=True),
]

# ------------------------------------------------------------------- 03 frontier
NOTEBOOKS["03_tradeoff_frontier.ipynb"] = [
    md("""# 3. The trade-off frontier, sensitivity and scenario discovery

A planner's question is never one run: *which policy, and how sure are we?* A sweep runs
many policies (and replications) and stores each run as it finishes, so an interrupted
sweep resumes where it stopped. Engines: local processes (default), in-process, or Dask."""),
    SETUP,
    code('''
import tempfile
from pathlib import Path
from sim.experiments.sweep import load_sweep, run_sweep, load_results, sweep_manifest
from sim import analysis

work = Path(tempfile.mkdtemp())
spec = load_sweep({
    "name": "architectures", "scenarios": ["national_plan_2025"], "reps": 4, "seed": 2025,
    "overrides": {"n_residents": 2000, "n_days": 365},
    "design": {"type": "policies", "policies": [
        {"name": "silos", "architecture": "silos"},
        {"name": "national platform (the plan)"},
        {"name": "federated + pseudonyms", "architecture": "federated",
         "identity": "per_domain_pseudonyms", "access_breadth": "treating_team"},
        {"name": "on-device + break-glass", "architecture": "on_device",
         "consent_model": "per_access_break_glass"}]}})
first = run_sweep(spec, work / "arch", max_runs=6, progress=False)   # stop part-way...
rest = run_sweep(spec, work / "arch", resume=True, progress=False)   # ...and resume
print(first.completed, "runs, then", rest.completed, "more;", rest.skipped, "kept;",
      "done:", rest.done)
''', check=True),
    code('''
runs = load_results(work / "arch")
frontier = analysis.pareto_frontier(runs, risk="harm_per_1000", utility="utility_rate",
                                    baseline="national platform (the plan)")
for r in frontier.itertuples():
    print(f"{'*' if r.on_frontier else ' '} {r.point:30s} {r.verdict}")
''', check=True),
    code('''
fig = analysis.plot_frontier(frontier, risk="harm_per_1000", utility="utility_rate");
'''),
    md("""## Sensitivity: which levers and assumptions drive the result?

A Morris screening design varies levers and uncertainties together; μ* ranks how much each
moves an outcome."""),
    code('''
sens = load_sweep({
    "name": "morris", "scenarios": ["national_plan_2025"], "reps": 1, "seed": 11,
    "overrides": {"n_residents": 1500, "n_days": 180},
    "design": {"type": "morris", "samples": 4, "factors": {
        "audit_strength": None, "access_breadth": ["treating_team", "national"],
        "collection_scope": ["minimal", "maximal"], "attacker_skill": [0.2, 0.8],
        "insider_acts_per_million_per_year": [0.5, 10]}}})
run_sweep(sens, work / "sens", progress=False)
ranking = analysis.sensitivity(load_results(work / "sens"), sweep_manifest(work / "sens"),
                               ["harm_per_1000", "utility_rate"])
ranking[["outcome", "factor", "mu_star"]].round(3)
''', check=True),
    code('''
fig = analysis.plot_sensitivity(ranking);
'''),
    md("""## Scenario discovery: when does the plan fail a risk limit?

Run the plan over many possible worlds (a Latin hypercube over uncertainties), then ask a
decision tree which combinations make it fail a limit: here, more than 5 leaked records in
100 that sit above the 9% re-identification threshold... among the records that leak
*without* direct identifiers."""),
    code('''
lhs = load_sweep({
    "name": "worlds", "scenarios": ["federated_pseudonymous"], "reps": 1, "seed": 5,
    "overrides": {"n_residents": 1500, "n_days": 180, "collection_scope": "minimal"},
    "design": {"type": "latin_hypercube", "samples": 24, "factors": {
        "breach_size_exponent": [0.2, 0.8], "attacker_skill": [0.2, 0.8],
        "insider_acts_per_million_per_year": [0.5, 10]}}})
run_sweep(lhs, work / "lhs", progress=False)
found = analysis.discover(load_results(work / "lhs"), "harm_per_1000", limit=20.0)
print(f"harm above 20 per 1,000 in {found['fail_share']:.0%} of the worlds")
for r in found["rules"].itertuples():
    print(f"  when {r.rule}: {r.density:.0%} of {r.runs} runs fail")
''', check=True),
]

# ------------------------------------------------------------------- 04 debate
CLAIM = '''
from sim.analysis import claim_verdict
from sim.analysis.claims import CLAIMS  # the debate's claims as experiments (also the app's tab)
from sim.experiments.robustness import claim_across_worlds, robustness

WORLDS = 16  # plausible worlds per claim (more before quoting a verdict: 64 is the default)

def test(claim, base, reform, expect, reps=6, worlds=WORLDS, **kw):
    """Compare two policies on the same seeds; print the verdict computed from the numbers,
    then the same claim across plausible worlds (what we do not know)."""
    cmp = sim.compare(base, reform, seed=42, reps=reps, overrides={**SMALL, **kw})
    for line in claim_verdict(cmp.differences, expect, claim):
        print(line)
    if worlds:
        rob = robustness(cmp.a.scenario, cmp.b.scenario, worlds=worlds, seed=42, reps=1)
        print()
        for line in claim_across_worlds(rob, expect, claim)[0]:
            print(line)
    return cmp.differences

def test_claim(key, reps=6, worlds=WORLDS):
    """Run one of sim.analysis.claims.CLAIMS."""
    c = CLAIMS[key]
    return test(c.claim, *c.scenarios(), c.expect, reps=reps, worlds=worlds)
'''

NOTEBOOKS["04_testing_the_debate.ipynb"] = [
    md("""# 4. Testing the debate

Each claim in the article the project started from (`seed/health_code_article.txt`) is
turned into an experiment: two policies on the same seeds, paired differences with 95%
intervals. The claim is written down as predictions (this outcome lower, that one higher,
this one unchanged), and **the verdict is computed from the numbers**: *supported* when every
prediction is borne out, *contradicted* when the changes go the other way, *partly* in
between. A prediction is borne out by one rule (`sim.analysis.verdicts.change_class`): a change
counts when its interval excludes zero and it is at least the outcome's margin (1% of the
baseline, 0.1 point for a share); "unchanged" holds when the change is within that margin.

Each verdict is then tested **across plausible worlds** (`sim.experiments.robustness`): every
uncertain assumption drawn from its plausible range (`sim.plausible`), both policies run in each
world on the same seeds. The second block under each claim says in how many worlds every
prediction holds, and which assumption decides it (notebook `07_robustness` explains how).
Nothing below is prose written against the numbers; if the model changes, the verdicts
change with it. Populations are small and worlds few so the notebook runs quickly: rerun
with more residents, replications and worlds before quoting numbers."""),
    SETUP,
    code(CLAIM),
    md("""## Claim 1. "The record lives on your phone and is shown only with your consent, \
so privacy risk is small", and doctors anywhere still see your history

The experts' design against the plan as written: records on the phone, shown per access,
break-glass for emergencies. Predicted: fewer residents exposed, less harm, fewer insider
incidents, and emergency information away from home no worse."""),
    code('''
d1 = test_claim("on_device")
''', check=True),
    md("""How to read it: staff cannot open records without the patient's code, and there are no
integrated copies at the insurer and payment platform, which is where the fall in exposure
comes from. Institutions still keep their own encounter records, and public health and the
insurance funds are still breached, so risk falls but does not vanish."""),
    md("""## Claim 2. "The risk of leakage and the degree of information collection \
increase in the same proportion"

Four collection scopes on the plan. "In the same proportion" means harm grows with the
number of fields collected with an elasticity of 1: computed per replication (paired
seeds) from the two extremes, with its interval."""),
    code('''
import numpy as np
from sim.experiments.experiment import mean_ci

rows, harm, exposed = [], {}, {}
for scope in ["minimal", "clinical", "extended", "maximal"]:
    s = sim.load_scenario("national_plan_2025").with_overrides(collection_scope=scope)
    m = sim.HealthDataModel(s, seed=0, n_residents=500, n_days=1)
    fields = bin(m.policy.collected).count("1")
    r = sim.run(s, seed=42, reps=6, overrides=SMALL).runs
    harm[scope], exposed[scope] = r.harm_per_1000.to_numpy(), r.residents_exposed_rate.to_numpy()
    rows.append({"scope": scope, "fields": fields, "harm": r.harm_per_1000.mean(),
                 "exposed": r.residents_exposed_rate.mean(),
                 "quasi_identifier_risk": r.quasi_identifier_risk.mean(),
                 "utility": r.utility_rate.mean()})
scopes = pd.DataFrame(rows).set_index("scope")
ratio = np.log(scopes.fields["maximal"] / scopes.fields["minimal"])
for name, values in (("harm", harm), ("residents exposed", exposed)):
    e, lo, hi = mean_ci(np.log(values["maximal"] / values["minimal"]) / ratio)
    verdict = ("in proportion (interval includes 1)" if lo <= 1 <= hi else
               "less than in proportion" if hi < 1 else "more than in proportion")
    print(f"{name}: elasticity to fields collected {e:.2f} [{lo:.2f}, {hi:.2f}]: {verdict}")
scopes.round(3)
''', check=True),
    md("""How to read it: harm weighs every exposed field by its sensitivity, so it follows what
is collected; who is exposed follows how often stores are breached, and a leak is tied to a
person by the ID number whatever else is collected. The quasi-identifier column shows the
other side of collection: with full birth date, county and the extended fields, a leaked
record would identify its owner even without the ID number."""),
    md("## Claim 3. Integrating the health, insurance and payment codes adds risk, not care"),
    code('''
plan = sim.load_scenario("national_plan_2025")
d3 = test_claim("integration")
''', check=True),
    md("## Claim 4. Data of low resale value draws few attackers"),
    code('''
d4 = test_claim("value")
''', check=True),
    md("""How to read it: ransomware is paid for the systems, not the data, so the value of the
records moves external breaches much less than it moves insiders selling records."""),
    md("## Claim 5. Technical early warning plus legal punishment deters"),
    code('''
d5 = test_claim("enforcement")
''', check=True),
    md("""How to read it: offences fall with the certainty of sanction, smoothly (the model's
elasticity is close to the crime literature's −0.5; see `06_validation`), and foreign groups
are rarely sanctioned, so external breaches respond less than insiders; encryption at rest
(part of this package) is what cuts the harm external breaches do."""),
    md("## Claim 6. Minimal collection (the PIPL rule) costs little care"),
    code('''
d6 = test_claim("minimal")
d6b = test("... if lifestyle and demographic fields had no clinical value",
           plan.with_overrides(lifestyle_clinical_value=0.0, name="plan"),
           sim.load_scenario("minimal_collection").with_overrides(lifestyle_clinical_value=0.0),
           {"utility_rate": "unchanged", "harm_per_1000": "lower"}, worlds=0)
''', check=True),
    md("""How to read it: the answer turns on an assumption nobody has measured well, how much
the lifestyle and demographic fields help clinicians (`lifestyle_clinical_value`, a
parameter to sweep). Minimal collection also drops full birth dates, which the
catalogue values in some encounters."""),
]

# ------------------------------------------------------------------- 07 robustness
NOTEBOOKS["07_robustness.ipynb"] = [
    md("""# 7. How sure? The article's claims across the plausible worlds

A comparison's 95% intervals say how noisy the simulation is **at one set of assumed
values**. They say nothing about what we do not know: how often attackers find a national
store, what lifestyle fields are worth to a clinician, how often a stolen encrypted store
comes with its keys. This notebook tests each verdict across *plausible worlds*: each world
draws every uncertain assumption from its plausible range (`sim.plausible`, each range with
its source or the reason it is as wide as it is; `docs/uncertainty.md` lists them all), and
both policies run in it on the same seeds.

**How to read the three words** (one rule, `sim.analysis.verdicts.change_class`, used everywhere):

* each world runs one paired replication, so its change carries replication noise; the
  noise is measured on a few replications of the two policies at their own values, and
  each world's change is shrunk toward the mean over the worlds in proportion to it
  (empirical Bayes), so that luck in one world does not pass for an effect;
* a world's (estimated) change counts as *better* or *worse* when it is at least the
  outcome's margin (1% of the baseline, 0.1 point for a share); smaller is *no clear
  change*;
* **robust**: the same clear direction in at least 90% of the worlds; the spread (5th to
  95th percentile of the change across worlds) says by how much;
* **no clear change**: within the margin in at least 75% of the worlds;
* **depends on X**: anything else. X is the assumption that best separates the worlds where
  the answer differs (a one-split classification tree), with the threshold where it turns;
  it is named only if it beats what the same search finds on shuffled worlds (a permutation
  test over all ~100 assumptions), so that chance does not name one. "Depends on the
  assumptions jointly" means no single one does.

The size of a change is ranked the same way (Spearman rank correlations, same test):
`decided_by` lists the assumptions that decide the answer, most decisive first."""),
    SETUP,
    code('''
from sim.analysis.claims import CLAIMS
from sim.plausible import PLAUSIBLE
from sim.experiments.robustness import claim_across_worlds, robustness

decisive = ["breach_rate_transfer_factor", "attack_surface_exponent", "breach_size_exponent",
            "lifestyle_clinical_value", "patient_history_complete", "key_compromise_probability"]
ranges = pd.DataFrame([{"assumption": n, "default": sim.PARAMETERS[n].default,
                        "plausible": PLAUSIBLE[n].describe(),
                        "bounded by": "assumption" if PLAUSIBLE[n].assumption else "a source"}
                       for n in decisive]).set_index("assumption")
print(f"{len(PLAUSIBLE)} uncertainties sampled, "
      f"{sum(r.assumption for r in PLAUSIBLE.values())} of them ranges nobody has measured")
ranges
''', check=True),
    md("""## The plan against on-device storage, across 32 worlds

The experts' design (records on the phone, shown per access) against the plan as written.
`compare(..., worlds=N)` runs the replication comparison and the robustness stage; the
table has one row per outcome."""),
    code('''
cmp = sim.compare("national_plan_2025", "on_device_consent", seed=7, reps=4, overrides=SMALL,
                  worlds=32)
rob = cmp.robustness
print(rob.run_size_text())
cols = ["verdict", "change", "better", "worse", "no_clear_change", "relative_p05",
        "relative_p95", "decided_by"]
rob.table.loc[["residents_exposed_rate", "harm_per_1000", "utility_rate",
               "emergency_info_rate", "insider_incidents", "breaches"], cols].round(1)
''', check=True),
    code('''
for name in ["residents_exposed_rate", "utility_rate", "emergency_info_rate"]:
    print(f"{rob.table.loc[name, 'label']}: {rob.table.loc[name, 'summary']}")
''', check=True),
    md("""Each dot is a world: the reform's change in percent of that world's baseline, against
the assumption that decides it (dashed: where the answer turns; grey band: the margin)."""),
    code('''
from IPython.display import Image
from sim.app.dashboards.plots import plot_worlds, png
Image(png(plot_worlds(rob)))
'''),
    md("""## Where exactly does the answer turn? PRIM boxes

The classification tree names one assumption and one threshold. PRIM (Friedman & Fisher's
patient rule induction, through EMA Workbench; `sim.analysis.ema.prim`) looks for the box of
assumptions where the reform does worse, on the same worlds. With 32 worlds and ~100
assumptions, a box over all of them would fit noise, so PRIM is given the five assumptions
whose rank correlation with the change is strongest."""),
    code('''
import warnings
with warnings.catch_warnings():  # EMA Workbench warns that an optional engine is missing
    warnings.simplefilter("ignore")
    import ema_workbench
'''),
    code('''
from scipy.stats import spearmanr
from sim.analysis.ema import prim

name = "utility_rate"
table = rob.as_runs(name)
params = [c[6:] for c in table.columns if c.startswith("param.")]
rho = {p: spearmanr(table[f"param.{p}"], table[name])[0] for p in params}
top5 = sorted(rho, key=lambda p: -abs(rho[p]))[:5]
print("strongest rank correlations:", ", ".join(f"{p} {rho[p]:+.2f}" for p in top5))
boxes = prim(table, name, limit=0.0, above=False, factors=top5, threshold=0.7)
print(f"worlds where on-device storage gives less clinical information than the plan: "
      f"{int((table[name] < 0).sum())} of {len(table)}")
boxes[["box", "parameter", "low", "high", "coverage", "density"]].round(3)
''', check=True),
    md("""## The article's claims across the worlds

Each claim of the debate (`sim.analysis.claims`, as in notebook 04 and the app's debate tab), judged
in 16 worlds: in how many worlds every prediction holds, and for each prediction, in how
many it holds and what decides it."""),
    code('''
rows = []
for key, c in CLAIMS.items():
    a, b = c.scenarios(SMALL)
    r = robustness(a, b, worlds=16, seed=11, reps=1)
    lines, t = claim_across_worlds(r, c.expect, c.claim)
    print(lines[0])
    for x in t.itertuples():
        rows.append({"claim": key, "prediction": f"{x.outcome} {x.predicted}",
                     "holds in": f"{x.holds} of {x.worlds}",
                     "decided by": ", ".join(x.decided_by[:2]) or "-"})
pd.DataFrame(rows).set_index(["claim", "prediction"])
''', check=True),
    md("""## What the words do not say

* The ranges are the project's reading of the evidence; 60 of them are marked as
  assumptions nobody has measured (each with why it is as wide as it is). A wider range
  makes fewer verdicts robust; none is narrowed to make a verdict look sure.
* Each world samples every assumption independently. Parameters fitted together (breach
  sizes' median and spread, the rates calibrated to the U.S. breach portal) can be drawn in
  combinations the portal would not reproduce.
* With N worlds and ~100 assumptions only strong deciders can be told from chance: with
  16 worlds an assumption must have a rank correlation of about 0.75 with the change, with
  64 about 0.45. "No single one decides it" can mean several do, or too few worlds ran.
* The worlds run smaller populations than a full comparison (at most 3,000 simulated
  residents by default) and one replication each; the shrinkage for replication noise
  assumes the worlds' changes are roughly normal around their mean, which rare large
  breaches (a national store hit or not) bend."""),
]

# ------------------------------------------------------------------- 06 validation
NOTEBOOKS["06_validation.ipynb"] = [
    md("""# 6. Validation: the model against the published record

Every number a planner sees should be one a reviewer can check against a source. This
notebook runs the fast subset of the validation targets (`sim.analysis.validation`): each published
regularity or calibration number in `calibration.md` (re-identification closed forms, the
U.S. breach portal, clinical effects of shared records, participation under opt-out and
opt-in, trust, deterrence), the model's value with a 95% interval over replications, the
band counted as reproducing it, and met or not. The full report, with more replications,
is `docs/validation.md` (`make validation`). Targets are counted by what they test:
*out of sample* (nothing was set or fitted to it: evidence for the model), *in sample* (a
parameter was fitted to it, or it follows from what was fitted), and checks of the code
(inputs and closed forms), which are not counted."""),
    SETUP,
    code('''
from sim.analysis import validation, validation_report
table, raw = validation.validate(quick=True)
for kind, c in validation.summary_counts(table).items():
    print(f"{kind:28s} {c['met']} of {c['of']} met")
print("(only out-of-sample targets are evidence for the model; in-sample ones were fitted, "
      "inputs and closed forms check the code)")
''', check=True),
    code('''
show = table[["key", "section", "published", "value", "low", "high", "kind", "met"]].copy()
show["value"] = show["value"].map(lambda x: float(f"{x:.3g}"))
show.set_index("key")
''', check=True),
    md("""## Where the model misses, and why

A target the model cannot reproduce stays in the report with its reason."""),
    code('''
for _, r in table[~table.met].iterrows():
    print(f"{r.key}: model {r.value:.3g}, published {r.published}. {r.note}")
''', check=True),
    md("""## Breaches against the OCR portal

The status quo's breaches of 500+ records, model against the U.S. portal (2019-2023):
the size distribution (log scale), and the cause shares by breach and by record. Breach
generation was fitted to these data (`sim/analysis/calibration.py`, `make calibrate`)."""),
    code('''
import tempfile
from pathlib import Path
from IPython.display import Image, display

paths = validation_report.figures(raw, Path(tempfile.mkdtemp()))
for title, path in paths.items():
    print(title)
    display(Image(filename=str(path)))
'''),
    md("""## Deterrence, up close

Insider offences fall smoothly as the certainty of sanction rises, and never reach zero at a
moderate setting: each opportunity's gain differs, and so does each offender's cost."""),
    code('''
import numpy as np

for v in [0.05, 0.1, 0.2, 0.4]:
    runs = raw[f"deter_enforcement_probability_{v:g}"]
    print(f"enforcement {v:.2f}: {np.mean([x['insider'] for x in runs]):,.0f} "
          f"insider incidents a year ({len(runs)} replications)")
''', check=True),
]

# ------------------------------------------------------------------- 05 extend
NOTEBOOKS["05_extend_the_model.ipynb"] = [
    md("""# 5. Extend the model: a new attacker, a new policy, a new outcome

Pluggable parts are registered by name; a registered name becomes a valid value in scenario
files, sweeps and dashboards at once. This notebook adds:

1. an attacker type: a **pharmaceutical marketer** who buys prescription data from insiders;
2. a policy: a collection scope **"clinical_no_location"**;
3. an outcome: the share of **privacy-concerned** residents exposed;

then runs and compares them, uses them with Mesa's `batch_run` and EMA Workbench (4), and
works through six extensions a researcher asked for (5): a lever and a credential-stuffing
attacker, dynamic consent, an outcome about one sensitive field, a new phase of the day, a
commercial insurer added to the network, and a sweep over the new lever. For real work,
keep the parts in a module and load it by name (`sim.plugins`): engines running in other
processes import modules, not the notebook."""),
    SETUP,
    md("## 1. A new attacker type\nSubclass an existing type and override its verbs "
       "(`choose_target`, `expected_gain`, `attempt`); `create` says how many to make."),
    code('''
from sim.world.attackers import InsiderSeller, register_attacker

@register_attacker("pharma_marketer")
class PharmaMarketer(InsiderSeller):
    """Buys prescription lists from hospital staff (medications are what it wants)."""

    @classmethod
    def create(cls, model):
        hospitals = [i for i in model.providers if i.kind.value != "community_clinic"]
        rate = 3.0 * model.real_millions / 365.0 / len(hospitals)  # 3 per million a year
        return [cls(model, ordinal=k, rate_per_day=rate, home=h) for k, h in enumerate(hospitals)]

    def expected_gain(self, target):
        return 2.0 * super().expected_gain(target)  # prescription data sells at a premium

print(sim.world.attackers.ATTACKER_TYPES.names())
''', check=True),
    md("## 2. A new policy: a collection scope"),
    code('''
from sim.world.policy import register_collection_scope, COLLECTION_SCOPES

@register_collection_scope("clinical_no_location")
def clinical_no_location(catalogue):
    """Maximal collection minus location trails and payment data."""
    return COLLECTION_SCOPES["maximal"](catalogue) - {"location_trail", "payment_transactions"}

print(sim.PARAMETERS["collection_scope"].describe_allowed())
''', check=True),
    md("## 3. A new outcome"),
    code('''
from sim.world.population import Attitude

@sim.register_outcome("concerned_exposed_rate", unit="share of concerned residents",
                      direction="min", privacy=True, label="Concerned residents exposed",
                      definition="residents_exposed_rate among privacy-concerned residents.")
def concerned_exposed_rate(m):
    concerned = m.pop.attitude == Attitude.CONCERNED
    exposed = (m.pop.exposed_fields & m.sensitive_mask) != 0
    return float(exposed[concerned].mean())
''', check=True),
    md("## Run and compare"),
    code('''
plan = sim.load_scenario("national_plan_2025")
reform = plan.with_overrides(collection_scope="clinical_no_location", name="no location")
cmp = sim.compare(plan, reform, seed=3, reps=5, overrides=SMALL)
cmp.differences.loc[["concerned_exposed_rate", "residents_exposed_rate", "harm_per_1000",
                     "insider_incidents", "utility_rate"],
                    ["mean_a", "mean_b", "diff_mean", "diff_low", "diff_high"]].round(4)
''', check=True),
    code('''
m = sim.HealthDataModel(plan, seed=3, **SMALL)
m.run()
marketers = [a for a in m.attackers if isinstance(a, PharmaMarketer)]
print(len(marketers), "marketers made", sum(a.attempts for a in marketers), "purchases")
''', check=True),
    md("To keep a part, put it in a module of the package (or your own package imported "
       "before running) and add a test: `tests/test_registries.py` runs every registered part "
       "through the same contract."),
    md("""## 4. The tools you already use: Mesa's `batch_run` and EMA Workbench

The model follows Mesa's conventions: every declared parameter is a keyword of
`HealthDataModel`, `seed` and `rng` work as in `mesa.Model`, and `model.datacollector`
records the daily series (`new_`, `cum_`, `day_` names) and, on the last day, the outcomes.
So `mesa.batch_run` takes it as it is:"""),
    code('''
import mesa

rows = mesa.batch_run(sim.HealthDataModel,
                      parameters={"scenario": "national_plan_2025", "seed": [1, 2],
                                  "consent_model": ["opt_in", "opt_out"],
                                  "n_residents": 1000, "n_days": 60},
                      iterations=1, max_steps=60, number_processes=1, display_progress=False)
batch = pd.DataFrame(rows)
batch.groupby("consent_model")[["cum_breaches", "participation_rate"]].mean().round(3)
''', check=True),
    md("""`sim.analysis.ema.model` wraps the workbench as an `ema_workbench.Model`:
uncertainties and levers from the parameter declaration, outcomes from the registry with their
directions, each experiment the mean over `reps` seeded replications. EMA's PRIM then finds the
boxes of inputs where a limit fails (`sim.analysis.discover` is the decision-tree alternative).
Needs `pip install -e ".[ema]"`."""),
    code('''
import warnings

import numpy as np

with warnings.catch_warnings():  # EMA warns that an optional parallel back end is missing
    warnings.simplefilter("ignore")
    from ema_workbench import SequentialEvaluator, perform_experiments

import sim.analysis.ema

ema_model = sim.analysis.ema.model("national_plan_2025", reps=1, n_residents=1000, n_days=90,
                          uncertainties=["attacker_skill", "breach_size_exponent",
                                         "insider_acts_per_million_per_year"],
                          levers=["consent_model", "access_breadth"])
np.random.seed(0)  # noqa: NPY002 - EMA 2.5 samples with NumPy's global random state
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    experiments, outcomes = perform_experiments(ema_model, scenarios=16, policies=2,
                                                evaluator=SequentialEvaluator(ema_model),
                                                log_progress=True)  # a log, not a bar
runs = sim.analysis.ema.results_table(experiments, outcomes)
limit = float(runs["harm_per_1000"].quantile(0.75))  # the worst quarter of the runs
print(len(runs), "experiments; limit:", round(limit, 2), "harm points per 1,000")
''', check=True),
    code('''
sim.analysis.ema.prim(runs, "harm_per_1000", limit, threshold=0.6).round(3)
''', check=True),
    md("""## 5. Six extensions, with public API only

A researcher new to the project tried six extensions; each is below, as a worked example
that this notebook's regression test runs. Every part is checked with the contract checks
of `sim.testing` (as scikit-learn's `check_estimator`), which name the first rule a part
breaks and the fix.

**The worker pitfall.** Classes and registrations made in a notebook (or inside a
function) exist in this process only. Engines whose workers start fresh (spawned
processes, Dask, EMA's evaluators) do not see them, and their runs silently use the
built-in model. Keep such parts in a module and load it by name, here and in every
worker: `sim.plugins.load("my_ext")` in Python, `--plugin my_ext` on the command line, or
a `sim.plugins` entry point of an installed package (a model subclass: `--model
my_ext:MyModel`, `model=MyModel`). The examples here run in this process
(`engine="serial"` for the sweep) so that they can live in the notebook."""),
    md("""### 5.1 A lever of your own, and an attacker that reads it: credential stuffing

Passwords leaked elsewhere are tried on residents' health-code app accounts. The lever
`mfa_share` (accounts with a second factor) is registered from outside the package; the
attacker's victims are residents, not an institution's holdings, so it opens its incidents
with `model.ledger.open_incident`."""),
    code('''
import numpy as np

from sim.world.attackers import Attacker
from sim.world.institutions import InstitutionKind
from sim.params import Parameter, register_parameter
from sim.testing import check_attacker
from sim.world.uniforms import U_SIZE, U_SUCCESS

register_parameter(Parameter(
    name="mfa_share", default=0.0, kind="lever", group="security", unit="share",
    dtype=float, low=0.0, high=1.0,
    help="Share of health-code app accounts protected by a second factor.",
    source="worked example (notebook 05)"))


@register_attacker("credential_stuffer")
class CredentialStuffer(Attacker):
    """Tries leaked passwords on code-app accounts (run by public health)."""

    family = "external"

    @classmethod
    def create(cls, model):
        return [cls(model, ordinal=0, rate_per_day=0.5)]

    def choose_target(self, u):
        return self.model.agency(InstitutionKind.PUBLIC_HEALTH)

    def expected_gain(self, target):
        return 2_000.0 * (1.0 - self.model.p["mfa_share"])  # a second factor stops most

    def cost(self, target):
        return 50.0 * self.cost_factor

    def attempt(self, target, u):
        m = self.model
        if u[U_SUCCESS] < m.p["mfa_share"]:
            return  # the second factor held
        self.observe_success()
        phones = np.flatnonzero(m.pop.has_phone)
        hit = np.sort(self.stream.choice(phones, 1 + int(u[U_SIZE] * 10), replace=False))
        account = (m.field_bit["name_phone"] | m.field_bit["id_number"]  # what the app holds:
                   | m.field_bit["vaccinations"] | m.field_bit["test_results"])  # the code's basis
        m.ledger.open_incident("credential_stuffing", hit, institution=target, attacker=self,
                               fields=account, u=u)


print(check_attacker(CredentialStuffer, n_residents=1500, n_days=60))
''', check=True),
    md("""### 5.2 Dynamic consent: a consent model told why residents review

`review(idx, want, u, *, why)` is told who reviews because they were notified of a breach
of their record (`why.notified`), and the day's routine and news-driven review rates.
Here, residents told of a breach leave the platform whatever they thought before."""),
    code('''
from sim.world.consent import OptOut, register_consent_model
from sim.testing import check_consent_model


@register_consent_model("opt_out_leave_on_breach")
class LeaveOnBreach(OptOut):
    """Opt-out, and a resident told of a breach of their record leaves."""

    def review(self, idx, want, u, *, why=None):
        if why is not None:
            want = want & ~why.notified
        super().review(idx, want, u, why=why)


print(check_consent_model(LeaveOnBreach, n_residents=1500, n_days=60))
size = {"n_residents": 3000, "n_days": 365, "breach_notification": "affected"}
for consent in ("opt_out", "opt_out_leave_on_breach"):
    m = sim.HealthDataModel("status_quo", seed=3, consent_model=consent, **size)
    out = m.run()
    print(f"{consent:24s} participation {out['participation_rate']:.4f}")
''', check=True),
    md("""### 5.3 An outcome about one sensitive field

The share of residents whose mental-health record leaked in a form that can be tied to
them (the model records every field exposed per resident)."""),
    code('''
from sim.testing import check_outcome


@sim.register_outcome("mental_health_exposed_rate", unit="share of residents", direction="min",
                      privacy=True, label="Mental health exposed",
                      definition="Share of residents whose mental-health record leaked, "
                                 "re-identifiable.", headline=False)
def mental_health_exposed_rate(m):
    bit = m.field_bit["mental_health"]
    return float(np.mean((m.pop.exposed_fields & bit) != 0))


print(check_outcome("mental_health_exposed_rate", scenarios=("national_plan_2025",),
                    n_residents=1500, n_days=60))
''', check=True),
    md("""### 5.4 A new phase of the day: a subclass, run through `sim.run`

`PHASES` is the day's schedule; a subclass inserts a phase and defines its method. Every
runner takes the subclass (`model=`; `--model` on the command line)."""),
    code('''
class MonthlyCampaign(sim.HealthDataModel):
    """A publicity campaign about data rights on the first day of each month."""

    PHASES = (*sim.HealthDataModel.PHASES[:-1], "campaign", sim.HealthDataModel.PHASES[-1])

    def phase_campaign(self, day):
        """Campaign: the public hears of data rights (as after a publicised breach)."""
        if self.day % 30 == 0:
            self.behaviour.publicise(0.5)


size = {"n_residents": 3000, "n_days": 365, "consent_model": "opt_out"}
for model in (sim.HealthDataModel, MonthlyCampaign):
    r = sim.run("national_plan_2025", seed=2, reps=2, overrides=size, model=model)
    reviews = r.daily.query("series == 'consent_reviews'")["value"].sum() / 2
    print(f"{model.__name__:16s} consent reviews a year {reviews:7.0f}  participation "
          f"{r.summary().loc['participation_rate', 'mean']:.4f}")
''', check=True),
    md("""### 5.5 Editing the network: a commercial insurer that buys a copy of the records

New institutions, stores and flows are added while a model is built: a function registered
with `register_build_hook` runs for every model (a subclass would override
`build_network`). A flow that no mechanism reads would raise an `UnreadFlowWarning`."""),
    code('''
from sim.world.build import register_build_hook


@register_build_hook("commercial_insurer")
def commercial_insurer(m):
    insurer = m.add_institution("insurance_bureau", -1, label="commercial insurer")
    fields = m.field_bit["chronic_conditions"] | m.field_bit["id_number"]
    m.add_store(insurer, "underwriting copy", scope="providers", fields=fields,
                identified=True, needs_participation=True)
    for prov in m.providers:
        m.add_flow(prov, insurer, "integration", purpose="insurance", store="underwriting copy",
                   fields=fields)


m = sim.HealthDataModel("national_plan_2025", seed=3, n_residents=3000, n_days=365)
m.run()
insurer = next(i for i in m.institution_list if i.label == "commercial insurer")
held = m.records.store_counts()[insurer.stores[0].index]
table = m.ledger.incident_table()
print(f"the insurer holds {held:,} of {m.pop.n:,} residents; "
      f"{(table['institution'] == 'commercial insurer').sum()} incidents there")
''', check=True),
    md("""### 5.6 A sweep over the new lever

The lever registered in 5.1 is a key of every scenario, sweep and run table."""),
    code('''
import tempfile

from sim.experiments.sweep import load_results, load_sweep, run_sweep

spec = load_sweep({"name": "mfa", "scenarios": ["national_plan_2025"], "reps": 2, "seed": 4,
                   "overrides": {"n_residents": 2000, "n_days": 365},
                   "design": {"type": "factorial", "factors": {"mfa_share": [0.0, 0.5, 0.9]}}})
with tempfile.TemporaryDirectory() as folder:
    run_sweep(spec, folder, engine="serial", progress=False)
    runs = load_results(folder)
print(runs.groupby("param.mfa_share")[["residents_exposed_rate", "harm_per_1000"]].mean()
      .round(4).to_string())
''', check=True),
    code('''
# clean up, so that re-running the notebook starts fresh
from sim.world.build import BUILD_HOOKS
from sim.world.consent import CONSENT_MODELS
from sim.params import unregister_parameter

sim.world.attackers.ATTACKER_TYPES.unregister("pharma_marketer")
sim.world.attackers.ATTACKER_TYPES.unregister("credential_stuffer")
COLLECTION_SCOPES.unregister("clinical_no_location")
CONSENT_MODELS.unregister("opt_out_leave_on_breach")
sim.OUTCOMES.unregister("concerned_exposed_rate")
sim.OUTCOMES.unregister("mental_health_exposed_rate")
BUILD_HOOKS.unregister("commercial_insurer")
unregister_parameter("mfa_share")
'''),
]

# ------------------------------------------------------------------- app (Voila)
NOTEBOOKS["app.ipynb"] = [
    code('''
from sim.app.dashboards.app import WorkbenchApp
WorkbenchApp()
'''),
]


def build(only: str | None = None) -> None:
    NB.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        if only and only not in name:
            continue
        nb = nbformat.v4.new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        path = NB / name
        if name != "app.ipynb":
            print(f"executing {name} ...", flush=True)
            NotebookClient(nb, timeout=1200, kernel_name="python3",
                           resources={"metadata": {"path": str(NB)}}).execute()
        nbformat.write(nb, path)
        print(f"wrote {path}")


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else None)
