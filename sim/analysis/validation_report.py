"""The validation report: Markdown and figures from a :func:`sim.analysis.validation.validate` run.

:func:`report_markdown` turns the scored target table into ``docs/validation.md`` (every
target, then the misses with their reasons, then the figures); :func:`figures` draws the
model against the published record (breach sizes and cause shares against the OCR portal,
participation paths, deterrence); :func:`write_report` runs the validation and writes both.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .calibration import load_ocr, ocr_targets
from .validation import KINDS, summary_counts, validate
from .validation_experiments import _DETERRENCE

__all__ = ["figures", "report_markdown"]


def _fmt(x: float) -> str:
    from .cli_print import format_number

    return ("∞" if x > 0 else "–∞") if math.isinf(x) else format_number(x)


def figures(raw: Mapping[str, list[dict]], out: Path) -> dict[str, Path]:
    """Write the report's figures (PNG) into ``out``; return title -> path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    ocr = load_ocr()
    if "status_quo" in raw:
        fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
        ax = axes[0]
        x_ocr = np.sort(np.log10(ocr.query("cause == 'hacking'")["n"].to_numpy(dtype=float)))
        x_mod = np.sort(np.concatenate([r["hack_log10"] for r in raw["status_quo"]]))
        ax.plot(x_ocr, 1 - np.arange(len(x_ocr)) / len(x_ocr), label="OCR 2019-23", lw=2)
        ax.plot(x_mod, 1 - np.arange(len(x_mod)) / max(len(x_mod), 1),
                label="model (status quo)", lw=2, ls="--")
        ax.set_yscale("log")
        ax.set_xlabel("log10 records, hacking breaches of 500+")
        ax.set_ylabel("share at least this large")
        ax.legend(fontsize=8)
        ax.set_title("Breach sizes", fontsize=10)
        causes = ("hacking", "unauthorized_access", "theft_loss")
        tg = ocr_targets()
        for ax, what, title in ((axes[1], "n", "Cause shares (count)"),
                                (axes[2], "rec", "Cause shares (records)")):
            mod = np.array([[x[f"{what}_{c}"] for c in causes] for x in raw["status_quo"]],
                           dtype=float)
            mod = (mod / mod.sum(axis=1, keepdims=True)).mean(axis=0)
            pub = [tg[c].count_share if what == "n" else tg[c].record_share for c in causes]
            xs = np.arange(len(causes))
            ax.bar(xs - 0.2, pub, 0.4, label="OCR 2019-23")
            ax.bar(xs + 0.2, mod, 0.4, label="model")
            ax.set_xticks(xs, ["hacking", "unauth. access", "theft/loss"], fontsize=8)
            ax.set_title(title, fontsize=10)
            ax.legend(fontsize=8)
        fig.tight_layout()
        paths["Breaches: model against the OCR portal"] = _save(
            fig, out / "validation_breaches.png")
    series = [(k, lbl) for k, lbl in (("plan_opt_out", "opt-out"), ("plan_opt_in", "opt-in"),
                                      ("shock_opt_out", "opt-out, breach on day 90"))
              if k in raw]
    if series:
        fig, ax = plt.subplots(figsize=(7, 3.8))
        for k, lbl in series:
            paths_ = np.array([r["path"] for r in raw[k]])
            ax.plot(paths_.mean(axis=0), label=lbl)
        ax.axhspan(0.90, 0.98, color="tab:green", alpha=0.12, label="opt-out 2-10% refusal")
        ax.axhspan(0.15, 0.30, color="tab:orange", alpha=0.12, label="opt-in ≈21%")
        ax.set_xlabel("day")
        ax.set_ylabel("participation")
        ax.legend(fontsize=8)
        ax.set_title("Participation under the plan (§4.1)", fontsize=10)
        fig.tight_layout()
        paths["Participation paths"] = _save(fig, out / "validation_participation.png")
    det = [(v, raw.get(f"deter_enforcement_probability_{v:g}")) for v in
           _DETERRENCE["enforcement_probability"]]
    if all(d is not None for _, d in det):
        fig, ax = plt.subplots(figsize=(6, 3.8))
        xs = [v for v, _ in det]
        ys = [np.mean([x["insider"] for x in d]) for _, d in det]
        ax.plot(xs, ys, marker="o", label="model: penalty ¥100,000")
        sev = raw.get("deter_penalty_yuan_1e+06")
        if sev:
            ax.plot([0.1], [np.mean([x["insider"] for x in sev])], marker="s", ls="none",
                    label="penalty ×10 at 0.1")
        ref = ys[1] * (np.array(xs) / xs[1]) ** -0.5
        ax.plot(xs, ref, ls=":", color="grey", label="elasticity −0.5")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("enforcement probability")
        ax.set_ylabel("insider incidents a year")
        ax.legend(fontsize=8)
        ax.set_title("Deterrence (§5.1)", fontsize=10)
        fig.tight_layout()
        paths["Deterrence"] = _save(fig, out / "validation_deterrence.png")
    return paths


def _save(fig, path: Path) -> Path:
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


def report_markdown(table: pd.DataFrame, *, figures_: Mapping[str, Path] | None = None,
                    relative_to: Path | None = None, quick: bool = False, seed: int = 0,
                    seconds: float | None = None) -> str:
    """The validation report as Markdown: evidence first, checks of the code apart."""
    c = summary_counts(table)
    oos, q, ins = c["out-of-sample"], c["out-of-sample, quantitative"], c["in-sample"]
    checks = c["input"]["of"] + c["closed form"]["of"]
    when = dt.date.today().isoformat()
    lines = [
        "# Validation report",
        "",
        f"Generated by `python -m sim validate-model{' --quick' if quick else ''}` on {when} "
        f"(master seed {seed}{f', {seconds:.0f} s' if seconds else ''}). Do not edit: "
        "regenerate with `make validation`.",
        "",
        f"**Out of sample: {oos['met']} of {oos['of']} targets met**, of which "
        f"{q['met']} of {q['of']} with a quantitative band (the others are sign-only or "
        "loose checks). Only these are evidence for the model: nothing in it was set or "
        f"fitted to them. In sample: {ins['met']} of {ins['of']} met; a parameter was fitted "
        "to each, or it follows from fitted values or input odds ratios (the *why* column), "
        f"so they show that the fit survives the whole model, no more. The {checks} checks "
        "of the code (a number the model takes in coming back out; the re-identification "
        "machinery against exact results) are listed last and not counted.",
        "",
        "Each row: the published value and its source (`calibration.md` section), the "
        "model's mean over replications with a 95% interval, the band counted as "
        "reproducing it, and whether the mean falls in the band.",
        "",
    ]
    titles = {"out-of-sample": "Out of sample: evidence for the model",
              "in-sample": "In sample: fits that survive the whole model",
              "input": "Checks of the code: inputs (not counted)",
              "closed form": "Checks of the code: closed forms (not counted)"}
    for kind in KINDS:
        rows = table[table["kind"] == kind]
        if rows.empty:
            continue
        extra = " why |" if kind == "in-sample" else (" check |" if kind == "out-of-sample"
                                                        else "")
        lines += [f"## {titles[kind]}", "",
                  "| target | § | published (source) | model [95% interval] | band |"
                  f"{extra} |", "|---|---|---|---|---|" + ("---|" if extra else "") + "---|"]
        for _, r in rows.iterrows():
            ci = (f" [{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]" if r.ci_low != r.ci_high else "")
            mark = "met" if r.met else "**not met**"
            cell = (f" {r.why} |" if kind == "in-sample" else
                    f" {'quantitative' if r.quantitative else 'sign-only or loose'} |"
                    if kind == "out-of-sample" else "")
            lines.append(f"| {r.title} | {r.section} | {r.published} ({r.source}) | "
                         f"{_fmt(r.value)}{ci} | {_fmt(r.low)} to {_fmt(r.high)} |{cell} "
                         f"{mark} |")
        lines.append("")
    missed = table[~table["met"]]
    lines += ["", "## Targets not met", ""]
    if missed.empty:
        lines.append("None.")
    for _, r in missed.iterrows():
        lines.append(f"- **{r.title}** ({r.section}): model {_fmt(r.value)}, published "
                     f"{r.published}. {r.note or 'No explanation recorded: investigate.'}")
    if figures_:
        lines += ["", "## Figures", ""]
        for title, path in figures_.items():
            rel = path.relative_to(relative_to) if relative_to else path
            lines += [f"### {title}", "", f"![{title}]({rel.as_posix()})", ""]
    lines.append("")
    return "\n".join(lines)


def write_report(out: str | Path = "docs", *, quick: bool = False, seed: int = 0,
                 progress: bool = False) -> tuple[pd.DataFrame, Path]:
    """Run :func:`validate` and write ``validation.md`` and ``figures/`` into ``out``.

    The report is written to a temporary name first and renamed, so a failed run leaves
    the previous report in place.
    """
    import time

    t0 = time.perf_counter()
    out = Path(out)
    table, raw = validate(quick=quick, seed=seed, progress=progress)
    figs = figures(raw, out / "figures")
    text = report_markdown(table, figures_=figs, relative_to=out, quick=quick, seed=seed,
                           seconds=time.perf_counter() - t0)
    path = out / "validation.md"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return table, path
