"""Command line: ``python -m sim run | compare | validate | list | validate-model | ...``.

Invalid input (a bad scenario file, an unknown key, an out-of-range ``--set``) prints one
line naming the field and what is allowed, and exits with code 2, without a traceback.
Results written with ``--out`` appear all at once (written to a temporary folder, then
renamed), never half-written.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shlex
import shutil
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..analysis.cli_print import (
    format_default,
    print_compare,
    print_profile,
    print_robustness,
    print_summary,
)
from ..analysis.cli_print import format_number as _fmt
from ..experiments.preflight import check_fits, check_out, check_out_file, safe_filename
from ..params import PARAMETERS, ParameterError, unknown_name_help

EXIT_USAGE = 2


class CliError(Exception):
    """An input error to report in one line (exit code 2)."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="python -m sim",
        description="Health-data policy workbench: simulate privacy-leak risk and clinical "
                    "utility of health-record policies.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
        p.add_argument("--reps", type=int, default=None,
                       help="replications (default: 1 for run, 10 for compare)")
        p.add_argument("--days", type=int, default=None, help="days to simulate (n_days)")
        p.add_argument("--residents", type=int, default=None,
                       help="simulated residents (n_residents)")
        p.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                       help="set a parameter, e.g. --set audit_strength=0.8 (repeatable)")
        p.add_argument("--json", action="store_true", help="print JSON instead of a table")
        p.add_argument("--out", type=Path, default=None,
                       help="write runs.csv, daily.csv, scenario YAML and meta.json here")
        p.add_argument("--progress", action="store_true", help="show a progress bar")
        p.add_argument("--allow-large", action="store_true",
                       help="run even if the memory estimate exceeds this machine's")

    p_run = sub.add_parser("run", help="run a scenario", description="Run a scenario.")
    p_run.add_argument("scenario", help="scenario file or bundled name")
    p_run.add_argument("--profile", action="store_true",
                       help="time each phase of the day (one extra run of replication 0)")
    common(p_run)
    p_cmp = sub.add_parser("compare", help="compare two scenarios on the same seeds",
                           description="Run baseline A and reform B on the same seeds and "
                                       "report paired differences B − A with 95%% intervals.")
    p_cmp.add_argument("a", help="baseline scenario")
    p_cmp.add_argument("b", help="reform scenario")
    common(p_cmp)
    p_cmp.add_argument("--worlds", type=int, default=0, metavar="N",
                       help="also test the comparison across N plausible worlds (draws over "
                            "the uncertainties' plausible ranges; 64 names deciding "
                            "assumptions best, 16 is quick)")
    p_cmp.add_argument("--world-reps", type=int, default=None, metavar="R",
                       help="paired replications per world and arm (default 1)")
    p_cmp.add_argument("--world-residents", type=int, default=None, metavar="N",
                       help="simulated residents per world run (default: at most 3,000)")
    p_cmp.add_argument("--workers", type=int, default=None,
                       help="worker processes (default: available cores)")
    p_cmp.add_argument("--engine", choices=["serial", "processes", "dask"],
                       default="processes",
                       help="where the replications and worlds run (default: local "
                            "processes; dask: a local Dask cluster)")
    p_val = sub.add_parser("validate", help="check a scenario file")
    p_val.add_argument("scenario")
    p_val.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    sub.add_parser("list", help="list scenarios, levers, uncertainties, attackers, outcomes")

    p_sw = sub.add_parser("sweep", help="run a sweep file (designs × scenarios × replications)",
                          description="Run a sweep; each run is stored as it finishes. Run "
                                      "again with --resume after an interruption.")
    p_sw.add_argument("sweep", help="sweep file (YAML)")
    p_sw.add_argument("--out", type=Path, default=None,
                      help="results folder (default: results/<sweep name>)")
    p_sw.add_argument("--engine", choices=["serial", "processes", "dask"], default="processes",
                      help="serial, local processes (default) or dask")
    p_sw.add_argument("--workers", type=int, default=None,
                      help="worker processes (default: available cores)")
    p_sw.add_argument("--scheduler", default=None,
                      help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies dask)")
    p_sw.add_argument("--resume", action="store_true",
                      help="continue the sweep already in --out")
    p_sw.add_argument("--skip-failed", action="store_true",
                      help="with --resume: do not run again the runs stored as errors")
    p_sw.add_argument("--allow-large", action="store_true",
                      help="lift the caps on reps, samples, design points, runs and memory "
                           "(a bigger machine or a cluster)")
    p_sw.add_argument("--no-progress", action="store_true", help="no progress bar")

    p_fr = sub.add_parser("frontier", help="the risk-utility Pareto frontier of a sweep")
    p_fr.add_argument("results", type=Path, help="a sweep's results folder")
    p_fr.add_argument("--risk", default="residents_exposed_rate", help="privacy outcome (min)")
    p_fr.add_argument("--utility", default="utility_rate", help="clinical outcome (max)")
    p_fr.add_argument("--baseline", default=None,
                      help="design point the verdicts compare with (default: the first)")
    p_fr.add_argument("--out", type=Path, default=None,
                      help="write the figure and the table to this new folder (default: "
                           "print only; the results folder is never written)")

    p_se = sub.add_parser("sensitivity", help="global sensitivity ranking of a sobol/morris sweep")
    p_se.add_argument("results", type=Path)
    p_se.add_argument("--outcome", action="append", default=None,
                      help="outcome(s) to rank for (repeatable)")
    p_se.add_argument("--out", type=Path, default=None,
                      help="write the figure and the table to this new folder (default: "
                           "print only)")

    p_di = sub.add_parser("discover", help="scenario discovery: when does a limit fail?",
                          description="Which combinations of inputs make the runs fail a "
                                      "limit: a depth-3 decision tree (CART, scikit-learn; "
                                      "the default) or PRIM boxes (EMA Workbench: pip "
                                      "install -e \".[ema]\").")
    p_di.add_argument("results", type=Path)
    p_di.add_argument("--outcome", default="reidentification_risk")
    p_di.add_argument("--limit", type=float, default=0.09)
    p_di.add_argument("--below", action="store_true", help="failure means outcome < limit")
    p_di.add_argument("--method", choices=("tree", "prim"), default="tree",
                      help="tree: a decision tree (CART, default); prim: PRIM boxes (needs "
                           "EMA Workbench)")
    p_di.add_argument("--threshold", type=float, default=0.8,
                      help="prim: the share of failing runs a box must reach (default 0.8)")

    p_vm = sub.add_parser("validate-model",
                          help="check the model against the published record; write a report",
                          description="Run every validation target (calibration.md: closed "
                                      "forms, OCR breaches, clinical effects, participation "
                                      "and trust, deterrence) and write validation.md and its "
                                      "figures.")
    p_vm.add_argument("--out", type=Path, default=None,
                      help="folder for validation.md and figures/ (default: docs; with "
                           "--json, nothing is written unless --out is given)")
    p_vm.add_argument("--json", action="store_true",
                      help="print every target (kind, met, value, interval, band, source) and "
                           "the counts per kind as JSON")
    p_vm.add_argument("--quick", action="store_true",
                      help="the fast subset with fewer replications (what the tests run)")
    p_vm.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p_vm.add_argument("--no-progress", action="store_true", help="no progress bar")

    p_le = sub.add_parser("lever-effects",
                          help="what each lever moves against a base scenario; write a table",
                          description="Move every lever away from a base scenario, run paired "
                                      "replications, and write the outcomes each setting moves "
                                      "(with 95%% intervals) as Markdown.")
    p_le.add_argument("--base", default="national_plan_2025", help="base scenario")
    p_le.add_argument("--reps", type=int, default=10, help="replications per setting")
    p_le.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p_le.add_argument("--residents", type=int, default=None, help="simulated residents")
    p_le.add_argument("--out", type=Path, default=Path("docs/lever_effects.md"),
                      help="Markdown file to write (default: docs/lever_effects.md)")
    p_le.add_argument("--no-progress", action="store_true", help="no progress bar")

    p_ur = sub.add_parser("uncertainty-report",
                          help="which uncertainties matter, for what; write a report",
                          description="Screen every uncertainty over its plausible range "
                                      "(Morris, SALib) for the 2025 plan and four reforms on "
                                      "common seeds; write the ranking as Markdown and a "
                                      "heatmap in <out folder>/figures/.")
    p_ur.add_argument("--trajectories", type=int, default=None,
                      help="Morris trajectories (default 6; 2 with --quick)")
    p_ur.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p_ur.add_argument("--residents", type=int, default=None,
                      help="simulated residents per run (default 3000; 300 with --quick)")
    p_ur.add_argument("--out", type=Path, default=Path("docs/uncertainty.md"),
                      help="Markdown file to write (default: docs/uncertainty.md)")
    p_ur.add_argument("--screening", type=Path, default=None,
                      help="also write the screening table the robustness stage reads "
                           "(make uncertainty: sim/data/screening.csv)")
    p_ur.add_argument("--quick", action="store_true",
                      help="a few uncertainties, 300 residents, 60 days (what the tests run)")
    p_ur.add_argument("--workers", type=int, default=None,
                      help="worker processes (default: available cores)")
    p_ur.add_argument("--progress", action="store_true", help="show progress bars")

    p_app = sub.add_parser(
        "app", help="serve the planner's app to a team (Voila, shared workers, cache)",
        description="Serve the planner's app on 127.0.0.1 (what 'make app' runs): every "
                    "page's runs go to one shared pool of worker processes (a Dask cluster "
                    "started here, or --scheduler), and results are kept on disk so a "
                    "question asked before is answered at once. Ctrl-C stops.")
    p_app.add_argument("--port", type=int, default=8866, help="Voila's port (default 8866)")
    p_app.add_argument("--workers", type=int, default=None,
                       help="shared worker processes (default: available cores)")
    p_app.add_argument("--scheduler", default=None,
                       help="a running Dask scheduler to run on instead, e.g. "
                            "tcp://10.0.0.5:8786")
    p_app.add_argument("--memory-limit", default=None,
                       help="each local worker's memory limit, e.g. 4GB (default: the "
                            "machine's memory shared equally)")
    p_app.add_argument("--cache-dir", type=Path, default=None,
                       help="folder for cached results (default "
                            "~/.cache/healthsim-workbench/results)")
    p_app.add_argument("--no-cache", action="store_true",
                       help="keep results in each page only")
    for name, p in sub.choices.items():  # extensions reach every command (and its workers)
        p.add_argument("--plugin", action="append", default=[], metavar="MODULE",
                       help="import MODULE first (it registers attackers, outcomes, phases, "
                            "parameters ...), here and in every worker; repeatable")
        if name in ("run", "compare", "sweep"):
            p.add_argument("--model", default=None, metavar="MODULE:CLASS",
                           help="run this HealthDataModel subclass (or factory) instead")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code.

    SIGTERM (``kill``, a scheduler's stop) is treated as Ctrl-C by every command: one line,
    nothing half-written, exit 130.
    """
    with _sigterm_as_interrupt():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        from .. import plugins

        plugins.load_entry_points()
        plugins.load(*args.plugin)
        args.model_spec = getattr(args, "model", None)
        args.model = plugins.model_factory(args.model_spec) if args.model_spec else None
        if args.command == "list":
            return _cmd_list()
        if args.command == "validate":
            return _cmd_validate(args)
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "compare":
            return _cmd_compare(args)
        if args.command == "sweep":
            return _cmd_sweep(args)
        if args.command == "frontier":
            return _cmd_frontier(args)
        if args.command == "sensitivity":
            return _cmd_sensitivity(args)
        if args.command == "discover":
            return _cmd_discover(args)
        if args.command == "validate-model":
            return _cmd_validate_model(args)
        if args.command == "lever-effects":
            return _cmd_lever_effects(args)
        if args.command == "uncertainty-report":
            return _cmd_uncertainty_report(args)
        if args.command == "app":
            return _cmd_app(args)
    except CliError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (ValueError, KeyError) as e:  # ScenarioError, ParameterError, registry lookups
        msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
        print(f"error: {msg}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted; nothing written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    return 0  # pragma: no cover - argparse requires a command


# --------------------------------------------------------------------------- commands
def _overrides(args) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in args.sets:
        if "=" not in item:
            raise CliError(f"--set {item!r}: expected KEY=VALUE")
        key, text = item.split("=", 1)
        key = key.strip()
        param = PARAMETERS.get(key)
        if param is None:
            raise CliError(f"--set {key}: unknown parameter; {unknown_name_help(key)}")
        try:
            out[key] = param.parse_text(text)
        except ParameterError as e:
            raise CliError(f"--set {e}") from None
    if getattr(args, "days", None) is not None:
        out["n_days"] = _validated("n_days", args.days, "--days")
    if getattr(args, "residents", None) is not None:
        out["n_residents"] = _validated("n_residents", args.residents, "--residents")
    return out


def _validated(name: str, value: Any, flag: str) -> Any:
    try:
        return PARAMETERS[name].validate(value)
    except ParameterError as e:
        raise CliError(f"{flag}: invalid value {value!r}; allowed: {e.allowed}") from None


def _check_counts(args, default_reps: int) -> int:
    from ..experiments.sweep import MAX_REPS  # the same cap as a sweep's reps

    reps = default_reps if args.reps is None else args.reps
    if reps < 1:
        raise CliError(f"--reps: invalid value {reps}; allowed: an integer >= 1")
    if reps > MAX_REPS and not args.allow_large:
        raise CliError(f"--reps: invalid value {reps:,}; allowed: at most {MAX_REPS:,} "
                       "(--allow-large lifts the limit)")
    if args.seed < 0:
        raise CliError(f"--seed: invalid value {args.seed}; allowed: an integer >= 0")
    return reps


def _cmd_validate_model(args) -> int:
    from ..analysis.validation import summary_counts, validate
    from ..analysis.validation_report import write_report

    if args.seed < 0:
        raise CliError(f"--seed: invalid value {args.seed}; allowed: an integer >= 0")
    out = args.out if args.out is not None else (None if args.json else Path("docs"))
    if out is not None:
        check_out(out, may_exist=True)
    progress = not args.no_progress and not args.json
    if out is not None:
        table, path = write_report(out, quick=args.quick, seed=args.seed, progress=progress)
    else:
        table, path = validate(quick=args.quick, seed=args.seed, progress=progress)[0], None
    counts = summary_counts(table)
    if args.json:
        cols = ["key", "kind", "quantitative", "counted", "met", "value", "ci_low", "ci_high",
                "low", "high", "unit", "published", "source", "section", "title", "why",
                "note"]
        rows = [{c: (None if isinstance(v, float) and not math.isfinite(v) else v)
                 for c, v in r.items()} for r in table[cols].to_dict(orient="records")]
        print(json.dumps({"quick": args.quick, "seed": args.seed, "counts": counts,
                          "targets": rows, "report": str(path) if path else None},
                         indent=2, default=float))
        return 0
    for _, r in table.iterrows():
        mark = "met    " if r.met else "NOT MET"
        print(f"{mark} {r.kind:13s} {r.key:28s} model {r.value:.4g} "
              f"(band {r.low:.4g} to {r.high:.4g})")
    oos, q = counts["out-of-sample"], counts["out-of-sample, quantitative"]
    ins = counts["in-sample"]
    print(f"out of sample: {oos['met']} of {oos['of']} met ({q['met']} of {q['of']} "
          f"quantitative); in sample: {ins['met']} of {ins['of']}; checks of the code (not "
          f"counted): {counts['input']['of'] + counts['closed form']['of']}; report: {path}")
    return 0


def _cmd_lever_effects(args) -> int:
    from ..analysis.lever_effects import LEVER_EXPLANATIONS, lever_effects, lever_effects_markdown

    if args.reps < 2:
        raise CliError(f"--reps: invalid value {args.reps}; allowed: an integer >= 2")
    if args.seed < 0:
        raise CliError(f"--seed: invalid value {args.seed}; allowed: an integer >= 0")
    out = check_out_file(args.out)
    overrides = {}
    if args.residents is not None:
        overrides["n_residents"] = _validated("n_residents", args.residents, "--residents")
    table = lever_effects(args.base, reps=args.reps, seed=args.seed, overrides=overrides,
                          progress=not args.no_progress)
    text = lever_effects_markdown(table, base=args.base, reps=args.reps, seed=args.seed,
                                  overrides=overrides, explanations=LEVER_EXPLANATIONS)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        raise CliError(f"--out {args.out}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    print(f"wrote {args.out}")
    return 0


def _cmd_uncertainty_report(args) -> int:
    import time

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..analysis.uncertainty_report import (
        DEFAULT_TRAJECTORIES,
        QUICK_UNCERTAINTIES,
        UncertaintyRunError,
        uncertainty_effects,
        uncertainty_figure,
        uncertainty_markdown,
        write_screening,
    )
    from ..plausible import PLAUSIBLE

    trajectories = args.trajectories if args.trajectories is not None else (
        2 if args.quick else DEFAULT_TRAJECTORIES)
    if trajectories < 2:
        raise CliError(f"--trajectories: invalid value {trajectories}; allowed: an integer >= 2")
    if args.seed < 0:
        raise CliError(f"--seed: invalid value {args.seed}; allowed: an integer >= 0")
    if args.workers is not None and args.workers < 1:
        raise CliError(f"--workers: invalid value {args.workers}; allowed: an integer >= 1")
    residents = args.residents if args.residents is not None else (300 if args.quick else 3000)
    size = {"n_residents": _validated("n_residents", residents, "--residents"),
            **({"n_days": 60} if args.quick else {})}
    check_out_file(args.out)
    check_out_file(args.out.parent / "figures" / "uncertainty_morris.png", "its figure")
    names = [n for n in QUICK_UNCERTAINTIES if n in PLAUSIBLE] if args.quick else None
    command = shlex.join(["python", "-m", "sim", "uncertainty-report", "--trajectories",
                          str(trajectories), "--seed", str(args.seed), "--residents",
                          str(residents), *(["--quick"] if args.quick else [])])
    t0 = time.perf_counter()
    try:
        effects = uncertainty_effects(trajectories=trajectories, seed=args.seed, size=size,
                                      names=names, workers=args.workers,
                                      progress=args.progress)
    except UncertaintyRunError as e:
        print(f"error: {e}; nothing written", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - t0
    figure = args.out.parent / "figures" / "uncertainty_morris.png"
    text = uncertainty_markdown(effects, command=command, seconds=seconds,
                                figure="figures/uncertainty_morris.png")
    fig = uncertainty_figure(effects)
    tmp_md = args.out.with_name(f".{args.out.name}.tmp")
    tmp_fig = figure.with_name(f".{figure.name}.tmp")
    try:
        figure.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(tmp_fig, format="png", dpi=120)
        tmp_md.write_text(text, encoding="utf-8")
        os.replace(tmp_fig, figure)
        os.replace(tmp_md, args.out)
    except OSError as exc:
        raise CliError(f"--out {args.out}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)
        for tmp in (tmp_fig, tmp_md):
            tmp.unlink(missing_ok=True)
    if args.screening is not None:
        try:
            write_screening(effects, args.screening)
        except OSError as exc:
            raise CliError(f"--screening {args.screening}: {exc.strerror or exc}") from None
        print(f"wrote {args.screening}")
    s = effects.attrs["settings"]
    dropped = f", {s['dropped']} trajectories dropped (failed runs)" if s["dropped"] else ""
    print(f"wrote {args.out} and {figure}: {s['runs']:,} runs in {seconds / 60:.1f} min"
          f"{dropped}")
    return 0


def _cmd_app(args) -> int:
    from .serve import serve

    if not 1 <= args.port <= 65535:
        raise CliError(f"--port: {args.port} is not allowed; give a port from 1 to 65535")
    return serve(port=args.port, workers=args.workers, scheduler=args.scheduler,
                 cache_dir="" if args.no_cache else args.cache_dir,
                 memory_limit=args.memory_limit)


def _cmd_validate(args) -> int:
    from ..scenario import load_scenario

    scen = load_scenario(args.scenario, _overrides(args))
    chain = f" (extends {' -> '.join(scen.chain)})" if scen.chain else ""
    print(f"ok: {scen.name}{chain}: {len(scen.set_values)} values set, "
          f"{len(scen.params) - len(scen.set_values)} defaults")
    return 0


def _cmd_run(args) -> int:
    from ..experiments.experiment import run
    from ..scenario import load_scenario

    reps = _check_counts(args, 1)
    scen = load_scenario(args.scenario, _overrides(args))
    _preflight(args, [scen], reps)
    result = run(scen, seed=args.seed, reps=reps, progress=args.progress, model=args.model)
    if args.out:
        _write_out(args.out, {"runs.csv": result.runs, "daily.csv": result.daily},
                   {f"{safe_filename(scen.name)}.yaml": scen.to_yaml()},
                   _meta(args, [scen], reps))
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print_summary(scen, result.summary(), args.seed, reps)
    if args.profile:
        print_profile(scen, args.seed)
    return _failures(result.runs)


def _cmd_compare(args) -> int:
    from ..experiments.experiment import CompareResult, paired_differences, run_scenarios
    from ..scenario import load_scenario

    reps = _check_counts(args, 10)
    ov = _overrides(args)
    a = load_scenario(args.a, ov)
    b = load_scenario(args.b, ov)
    plan = _world_plan(args, a, b)
    _preflight(args, [a, b], 2 * reps + (plan.runs if plan else 0))
    ra, rb = run_scenarios([a, b], args.seed, reps, engine=args.engine, workers=args.workers,
                           progress=args.progress, model=args.model)
    res = CompareResult(a=ra, b=rb, differences=paired_differences(ra.runs, rb.runs))
    if plan is not None:
        from ..experiments.robustness import judge

        results, central = plan.execute(lambda sc, sd, r: run_scenarios(
            sc, sd, r, engine=args.engine, workers=args.workers, progress=args.progress,
            model=args.model))
        res.robustness = judge(plan, results, central)
    if args.out:
        tables = {"runs.csv": res.runs, "daily.csv": _concat_daily(ra, rb),
                  "differences.csv": res.differences}
        if res.robustness is not None:
            rob = res.robustness
            tables.update({"robustness.csv": rob.table.assign(
                               decided_by=rob.table.decided_by.map(",".join)).reset_index(),
                           "worlds.csv": rob.worlds, "world_samples.csv": rob.samples,
                           "world_runs.csv": rob.runs})
        _write_out(args.out, tables,
                   {f"a_{safe_filename(a.name)}.yaml": a.to_yaml(),
                    f"b_{safe_filename(b.name)}.yaml": b.to_yaml()},
                   _meta(args, [a, b], reps))
    if args.json:
        print(json.dumps(res.to_json(), indent=2))
    else:
        print_compare(a, b, res.differences, args.seed, reps)
        if res.robustness is not None:
            print_robustness(res.robustness)
    return max(_failures(res.runs),
               _failures(res.robustness.runs) if res.robustness is not None else 0)


def _world_plan(args, a, b):
    """The robustness stage's worlds for ``compare --worlds`` (``None`` without it)."""
    from ..experiments.robustness import WORLD_REPS, WORLD_RESIDENTS, plan_worlds

    if not args.worlds:
        return None
    if args.worlds < 4:
        raise CliError(f"--worlds: invalid value {args.worlds}; allowed: 0 (none) or an "
                       "integer >= 4")
    world_reps = WORLD_REPS if args.world_reps is None else args.world_reps
    if world_reps < 1:
        raise CliError(f"--world-reps: invalid value {world_reps}; allowed: an integer >= 1")
    residents = (min(int(a.params["n_residents"]), WORLD_RESIDENTS)
                 if args.world_residents is None else args.world_residents)
    try:
        return plan_worlds(a, b, args.worlds, args.seed, world_reps,
                           size={"n_residents": residents})
    except ValueError as e:  # a ScenarioError too (an invalid run size)
        raise CliError(f"--world-residents: {e}" if args.world_residents is not None
                       else str(e)) from None


def _cmd_list() -> int:
    from ..params import by_group
    from ..scenario import list_scenarios, load_scenario
    from ..world.attackers import ATTACKER_TYPES
    from ..world.outcomes import OUTCOMES, direction_arrow

    print("Scenarios:")
    for path in list_scenarios():
        s = load_scenario(path)
        print(f"  {s.name:24s} {s.description}")
    for title, kinds in (("Levers", ("lever",)), ("Uncertainties", ("uncertainty",)),
                         ("Settings", ("setting",))):
        print(f"\n{title}:")
        for group, params in by_group(kinds).items():
            print(f"  [{group}]")
            for p in params:
                print(f"    {p.name:38s} default {format_default(p.default):>14s}  "
                      f"{p.describe_allowed()}  ({p.unit})")
    print("\nAttacker types:")
    for name, cls in ATTACKER_TYPES.items():
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        print(f"  {name:24s} {doc}")
    print("\nOutcomes (↓ lower is better, ↑ higher is better):")
    for name, o in OUTCOMES.items():
        arrow = direction_arrow(o.direction, " ")
        print(f"  {arrow} {name:30s} {o.unit}")
    return 0


def _cmd_sweep(args) -> int:
    from types import SimpleNamespace

    from ..experiments.engines import default_workers
    from ..experiments.sweep import load_sweep, run_sweep

    if args.workers is not None and args.workers < 1:
        raise CliError(f"--workers: invalid value {args.workers}; allowed: an integer >= 1")
    spec = load_sweep(args.sweep, allow_large=args.allow_large)
    out = check_out(args.out or Path("results") / spec.name, may_exist=True)
    tasks = spec.tasks()
    workers = 1 if args.engine == "serial" and not args.scheduler else (
        args.workers or default_workers())
    est = check_fits([SimpleNamespace(name=f"{t['scenario']} at {t['point']}", params=t["params"])
                      for t in tasks if t["rep"] == 0],
                     workers=workers if not args.scheduler else 1,
                     allow_large=args.allow_large)
    print(f"{spec.name}: {len(spec.design.points)} design points × {len(spec.scenarios)} "
          f"scenario(s) × {spec.reps} replications = {len(tasks)} runs -> {out}", flush=True)
    if est.seconds * len(tasks) / workers > 60:
        print(f"estimated time: about {est.seconds * len(tasks) / workers / 60:,.0f} min "
              f"({len(tasks)} runs on {workers} worker(s); fewer if some are stored)",
              file=sys.stderr, flush=True)
    resume_cmd = shlex.join([
        "python", "-m", "sim", "sweep", str(args.sweep), "--out", str(out), "--resume",
        *(["--engine", args.engine] if args.engine != "processes" else []),
        *(["--workers", str(args.workers)] if args.workers else []),
        *(["--scheduler", args.scheduler] if args.scheduler else []),
        *(["--allow-large"] if args.allow_large else []),
        *[x for name in args.plugin for x in ("--plugin", name)],
        *(["--model", args.model_spec] if args.model_spec else [])])
    try:
        with _sigterm_as_interrupt():
            res = run_sweep(spec, out, engine=args.engine, workers=args.workers,
                            scheduler=args.scheduler, resume=args.resume,
                            progress=not args.no_progress, retry_failed=not args.skip_failed,
                            model=args.model)
    except KeyboardInterrupt:
        from ..experiments.store import count_stored

        try:
            stored = f"{count_stored(out)} of {len(tasks)} runs are stored"
        except (OSError, KeyboardInterrupt):
            stored = "the finished runs are stored"
        print(f"interrupted: {stored} in {out}; continue with {resume_cmd}", file=sys.stderr)
        return 130
    except OSError as exc:  # a full disk, a folder made read-only mid-sweep, ...
        print(f"error: {out}: {exc.strerror or exc}; the runs finished before are stored; "
              f"continue with {resume_cmd}", file=sys.stderr)
        return 1
    retried = f", {res.retried} failed before and run again" if res.retried else ""
    print(f"done: {res.completed} run now ({res.failed} failed{retried}), {res.skipped} already "
          f"stored; {res.seconds:.1f} s. Next: python -m sim frontier {out}")
    if res.restarts:
        print(f"note: worker processes died; {res.restarts} fresh pool(s) ran their runs again",
              file=sys.stderr)
    if res.lost:
        print(f"error: {res.lost} run(s) not stored: their worker process died "
              f"{res.restarts + 1} times (out of memory?); run them with {resume_cmd}",
              file=sys.stderr)
    if res.compact_error:
        print(f"warning: {res.compact_error}", file=sys.stderr)
    if res.failed:
        where = out / ("runs" if res.compact_error else "results.parquet")
        print(f"error: {res.failed} run(s) failed; see the 'error' column of {where}; "
              f"{resume_cmd} runs them again", file=sys.stderr)
    return 1 if res.failed or res.lost else 0


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """Treat SIGTERM (a scheduler's or ``kill``'s stop) like Ctrl-C while the block runs.

    An interrupt that lands while Python runs a weakref callback or a ``__del__`` (a model
    freed between replications) is printed as "Exception ignored in ..." and dropped, and
    the command would go on to its end: such a swallowed interrupt is raised again 50 ms
    later, back in the command's own code.
    """
    try:
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    except ValueError:  # not the main thread (tests calling main() from a thread)
        yield
        return
    hook = sys.unraisablehook

    def interrupt_again(unraisable):
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and hasattr(signal, "setitimer"):
            signal.signal(signal.SIGALRM, _raise_interrupt)
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            return
        hook(unraisable)

    alarm = signal.getsignal(signal.SIGALRM) if hasattr(signal, "SIGALRM") else None
    sys.unraisablehook = interrupt_again
    try:
        yield
    finally:
        sys.unraisablehook = hook
        if alarm is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, alarm)
        signal.signal(signal.SIGTERM, previous)


def _load_runs(results: Path):
    from ..experiments.sweep import load_results

    if not results.is_dir():
        raise CliError(f"{results}: no such results folder")
    return load_results(results)


def _cmd_frontier(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from ..analysis import pareto_frontier, plot_frontier
    from ..world.outcomes import OUTCOMES

    out = check_out(args.out) if args.out is not None else None
    runs = _load_runs(args.results)
    f = pareto_frontier(runs, risk=args.risk, utility=args.utility, baseline=args.baseline)
    ro, uo = OUTCOMES[args.risk], OUTCOMES[args.utility]
    print(f"Privacy risk ({ro.label}, {ro.unit}, lower is better) against clinical utility "
          f"({uo.label}, {uo.unit}, higher is better); 95% intervals; verdicts are paired "
          "differences against the baseline.")
    print(f"{'policy':44s} {'risk':>24s} {'utility':>24s}  verdict")
    width = 43
    for r in f.itertuples(index=False):
        rr = (f"{_fmt(getattr(r, args.risk + '_mean'))} [{_fmt(getattr(r, args.risk + '_ci_low'))}"
              f", {_fmt(getattr(r, args.risk + '_ci_high'))}]")
        uu = (f"{_fmt(getattr(r, args.utility + '_mean'))} "
              f"[{_fmt(getattr(r, args.utility + '_ci_low'))}, "
              f"{_fmt(getattr(r, args.utility + '_ci_high'))}]")
        mark = "*" if r.on_frontier else " "
        label = str(r.point)
        if len(label) > width:  # the whole label on its own line: no two rows look alike
            print(f"{mark}{label}")
            label, mark = "", " "
        print(f"{mark}{label:{width}s} {rr:>24s} {uu:>24s}  {r.verdict}")
    if out is None:
        print("(* on the frontier) --out DIR writes the figure and the table")
        return 0
    stem = f"frontier_{args.risk}_{args.utility}"
    fig = plot_frontier(f, risk=args.risk, utility=args.utility)
    _write_out(out, {f"{stem}.csv": f}, {}, None, figures={f"{stem}.png": fig})
    print(f"(* on the frontier) wrote {out / (stem + '.png')} and {out / (stem + '.csv')}")
    return 0


def _cmd_sensitivity(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from ..analysis import plot_sensitivity, sensitivity
    from ..experiments.sweep import sweep_manifest

    out = check_out(args.out) if args.out is not None else None
    runs = _load_runs(args.results)
    outcomes = args.outcome or ["residents_exposed_rate", "harm_per_1000", "utility_rate"]
    table = sensitivity(runs, sweep_manifest(args.results), outcomes)
    value = "ST" if "ST" in table else "mu_star"
    for o in outcomes:
        t = table[table["outcome"] == o]
        measure = "total-order Sobol index" if value == "ST" else "Morris mu*"
        print(f"\n{o}: factors ranked by {measure}")
        for r in t.itertuples(index=False):
            conf = getattr(r, value + "_conf")
            print(f"  {r.factor:40s} {_fmt(getattr(r, value)):>10s} ± {_fmt(conf)}")
    if out is None:
        print("\n--out DIR writes the figure and the table")
        return 0
    _write_out(out, {"sensitivity.csv": table}, {}, None,
               figures={"sensitivity.png": plot_sensitivity(table)})
    print(f"\nwrote {out / 'sensitivity.png'} and {out / 'sensitivity.csv'}")
    return 0


def _cmd_discover(args) -> int:
    from ..analysis import discover

    if not math.isfinite(args.limit):
        raise CliError(f"--limit: invalid value {args.limit}; allowed: a finite number")
    if args.method == "prim" and not 0 < args.threshold <= 1:
        raise CliError(f"--threshold: invalid value {args.threshold}; allowed: a share in (0, 1]")
    runs = _load_runs(args.results)
    if args.method == "prim":
        return _discover_prim(args, runs)
    res = discover(runs, args.outcome, args.limit, above=not args.below)
    op = "<" if args.below else ">"
    print(f"{args.outcome} {op} {args.limit:g} in {100 * res['fail_share']:.0f}% of runs.")
    print("Decision tree (CART, depth 3): the leaves where most runs fail.")
    if res["rules"].empty:
        print("No combination of inputs singles the failures out (a depth-3 tree).")
    for r in res["rules"].itertuples(index=False):
        print(f"  when {r.rule}: fails in {100 * r.density:.0f}% of {r.runs} runs, "
              f"{100 * r.coverage:.0f}% of all failures")
    return 0


def _discover_prim(args, runs) -> int:
    from ..analysis.ema import prim
    from ..experiments.summaries import _ok

    try:
        boxes = prim(runs, args.outcome, args.limit, above=not args.below,
                     threshold=args.threshold)
    except ImportError as e:
        raise CliError(str(e)) from None
    ok = _ok(runs)
    fails = (ok[args.outcome] < args.limit) if args.below else (ok[args.outcome] > args.limit)
    op = "<" if args.below else ">"
    print(f"{args.outcome} {op} {args.limit:g} in {100 * fails.mean():.0f}% of runs.")
    print(f"PRIM (EMA Workbench): boxes where at least {100 * args.threshold:.0f}% of runs fail.")
    if boxes.empty:
        print("No box of inputs reaches that share of failures.")
    for number, box in boxes.groupby("box", sort=True):
        conds = [f"{r.parameter} in {{{r.values}}}" if r.values
                 else f"{r.parameter} in [{r.low:g}, {r.high:g}]"
                 for r in box.itertuples(index=False)]
        top = box.iloc[0]
        print(f"  box {number}: when {' and '.join(conds)}: fails in "
              f"{100 * top.density:.0f}% of {top.runs} runs, "
              f"{100 * top.coverage:.0f}% of all failures")
    return 0


# ---------------------------------------------------------------------------- output
def _concat_daily(*results):
    import pandas as pd

    return pd.concat([r.daily for r in results], ignore_index=True)


def _meta(args, scenarios, reps: int) -> dict[str, Any]:
    from ..package import __version__

    return {"command": args.command, "seed": args.seed, "reps": reps,
            "package_version": __version__,
            "scenarios": [{"name": s.name, "path": str(s.path) if s.path else None,
                           "params_sha256": s.sha256} for s in scenarios],
            "cite": f"healthcode-workbench {__version__}, scenario(s) "
                    f"{', '.join(s.name for s in scenarios)}, seed {args.seed}, {reps} reps"}


def _preflight(args, scenarios, runs: int) -> None:
    """Before anything runs: the results folder can be written, the runs fit this machine."""
    if getattr(args, "out", None):
        check_out(args.out)
    est = check_fits(scenarios, allow_large=args.allow_large)
    if est.seconds * runs > 60:
        print(f"estimated time: about {est.seconds * runs / 60:,.0f} min ({runs} runs)",
              file=sys.stderr, flush=True)


def _failures(runs) -> int:
    """Report failed replications in one line; 2 if memory ran out (inputs), 1 otherwise."""
    bad = runs[runs["status"] != "ok"]
    if bad.empty:
        return 0
    first = str(bad["error"].iloc[0])
    print(f"error: {len(bad)} of {len(runs)} replications failed: {first}", file=sys.stderr)
    return EXIT_USAGE if first.startswith("MemoryError") else 1


def _write_out(out: Path, tables: dict, texts: dict, meta: dict | None,
               figures: dict | None = None) -> None:
    """Write everything to a temporary folder beside ``out``, then rename it into place.

    ``out`` must be new or an empty folder; ``figures``: Matplotlib figures by file name.
    """
    out = check_out(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as exc:
        raise CliError(f"--out {out}: {exc.strerror or exc}") from None
    try:
        for name, df in tables.items():
            df.to_csv(tmp / name, index=name == "differences.csv")
        for name, text in texts.items():
            (tmp / name).write_text(text, encoding="utf-8")
        for name, fig in (figures or {}).items():
            fig.savefig(tmp / name, dpi=120)
        if meta is not None:
            (tmp / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise CliError(f"--out {out}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
