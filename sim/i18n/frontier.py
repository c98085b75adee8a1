"""Strings of the Frontier tab (sweeps, the frontier, the sensitivity ranking).

In English and Simplified Chinese, merged into :func:`sim.i18n.tr`'s table; English is
the reference. The ``fr_v_`` keys are the frontier policies' lines against the baseline
(:func:`sim.analysis.pareto.pareto_frontier`); the ``fr_sweep_`` keys name the built-in sweeps; the
``fr_err_`` keys say why a sweep folder cannot be read.
"""

UI: dict[str, dict[str, str]] = {
    "en": {
        "fr_title": "<h2>Trade-off frontier</h2><p>Each dot is a policy (mean over "
                    "replications, 95% intervals); the line joins the policies no other beats "
                    "on both risk and utility.</p>",
        "fr_a_policy": "A policy", "fr_sensitivity": "Sensitivity",
        "fr_folder": "Sweep folder", "fr_folder_hint": "results/<sweep folder>",
        "fr_load": "Load", "fr_or_run": "or run", "fr_run_small": "Run small sweep",
        "fr_risk": "Risk (x)", "fr_utility": "Utility (y)", "fr_baseline": "Baseline",
        "fr_policy": "Policy", "fr_worlds": "Plausible worlds",
        "fr_test": "Test across plausible worlds", "fr_cancel": "Cancel",
        "fr_sweep_architecture": "architecture comparison (small)",
        "fr_sweep_collection": "collection × consent (small)",
        "fr_sweep_morris": "sensitivity, Morris (small)",
        # status lines
        "fr_loaded": "{name}: {runs} runs, {points} policies",
        "fr_fail_line": "{what} {folder}: {why}",
        "fr_cannot_load": "Cannot load", "fr_cannot_run": "Cannot run",
        "fr_run_failed": "Run of {name} failed in",
        "fr_too_many": "{n} policies: too many to test across the worlds (at most {most})",
        "fr_no_pairs": "no scenario of this sweep has two policies to compare",
        "fr_tested": "tested across {worlds} plausible worlds: {n} of {total} policies stay "
                     "on the frontier in ≥90%",
        # the levels note
        "fr_levels": "Levels are over this sweep's runs: {residents} simulated residents for "
                     "{days} days each. {label} adds up over a run, so runs of another length "
                     "or size (the Compare tab's, or another sweep's) show other levels; "
                     "compare the changes against the baseline, not the levels, across tabs.",
        "fr_various": "various",
        # the table of policies
        "fr_on_frontier": "★ on the frontier", "fr_dominated": "dominated",
        "fr_th_policy": "policy", "fr_th_against": "against the baseline: {base}",
        "fr_th_worlds": "on the frontier in plausible worlds (◯: in ≥90%)",
        "fr_k_of_n": "{k} of {n}",
        "fr_table_note": "★ on the frontier: no other policy is lower on the risk and higher "
                         "on the utility at once. Dominated: another policy is better on "
                         "both. # is the number beside each dot in the figure.",
        # a policy
        "fr_replications": "{ok} replications ({failed} failed).",
        "fr_lever_line": "<code>{name}</code> = {value}",
        "fr_base_scenario": "the base scenario",
        "fr_yes": "yes", "fr_no": "no", "fr_list_sep": ", ",
        "fr_words_sep": "; ", "fr_words_pair": "{lever}: {choice}",
        # sensitivity
        "fr_sens_needed": "Load a sensitivity sweep (type sobol or morris) to see which "
                          "levers and assumptions drive the outcomes.",
        # the sensitivity table's columns (sim.analysis.exploration.sensitivity_indices)
        "fr_col_outcome": "outcome", "fr_col_factor": "factor", "fr_col_S1": "S1",
        "fr_col_S1_conf": "S1_conf", "fr_col_ST": "ST", "fr_col_ST_conf": "ST_conf",
        "fr_col_mu_star": "mu_star", "fr_col_mu_star_conf": "mu_star_conf",
        "fr_col_sigma": "sigma", "fr_col_mu": "mu",
        # a policy's line against the baseline (sim.analysis.pareto)
        "fr_v_dominated": "dominated", "fr_v_baseline": "baseline",
        "fr_v_raises": "raises {label} by {p}% [{a}, {b}]",
        "fr_v_cuts": "cuts {label} by {p}% [{a}, {b}]",
        "fr_v_more_by": "more {label} by {p}% [{a}, {b}]",
        "fr_v_less_by": "less {label} by {p}% [{a}, {b}]",
        "fr_v_no_level": "{label}: no baseline level to compare with",
        "fr_v_no_clear": "no clear change in {label} ({m}%{interval})",
        "fr_v_unclear": "unclear change in {label} ({m}%{interval})",
        "fr_v_for_more": "for {p}% [{a}, {b}] more {label}",
        "fr_v_for_less": "for {p}% [{a}, {b}] less {label}",
        "fr_v_with": "with {change}", "fr_v_line": "{risk} {utility}",
        # why a sweep folder cannot be read
        "fr_err_no_folder": "no such folder (no finished runs to show)",
        "fr_err_not_folder": "not a folder",
        "fr_err_no_manifest": "not a sweep folder (no sweep.json)",
        "fr_err_unreadable": "unreadable manifest sweep.json ({why})",
        "fr_err_no_design": "unreadable manifest sweep.json (no sweep name or design)",
        "fr_err_corrupt": "{path} is corrupt or truncated ({why})",
        "fr_err_no_runs": "no finished runs (expected results.parquet or {pattern})",
        "fr_err_cannot_read": "cannot read the runs ({why})",
        "fr_err_columns": "the runs table lacks the column(s) {columns}",
    },
    "zh": {
        "fr_title": "<h2>权衡前沿</h2><p>每个点代表一个政策（各次重复运行的均值及95%区间）；"
                    "连线连接的是在风险和效用两方面都没有被其他政策同时超越的政策。</p>",
        "fr_a_policy": "单个政策", "fr_sensitivity": "敏感性分析",
        "fr_folder": "扫描结果文件夹", "fr_folder_hint": "results/<扫描结果文件夹>",
        "fr_load": "载入", "fr_or_run": "或运行", "fr_run_small": "运行小规模扫描",
        "fr_risk": "风险（横轴）", "fr_utility": "效用（纵轴）", "fr_baseline": "基线",
        "fr_policy": "政策", "fr_worlds": "可能世界数",
        "fr_test": "在可能世界中检验", "fr_cancel": "取消",
        "fr_sweep_architecture": "系统架构比较（小规模）",
        "fr_sweep_collection": "采集范围 × 同意模式（小规模）",
        "fr_sweep_morris": "敏感性分析，莫里斯法（小规模）",
        "fr_loaded": "{name}：{runs}次运行，{points}个政策",
        "fr_fail_line": "{what} {folder}：{why}",
        "fr_cannot_load": "无法载入", "fr_cannot_run": "无法运行",
        "fr_run_failed": "{name} 运行失败，输出文件夹",
        "fr_too_many": "共{n}个政策：太多，无法在各可能世界中检验（最多{most}个）",
        "fr_no_pairs": "此扫描中没有哪个情景包含两个可比较的政策",
        "fr_tested": "已在{worlds}个可能世界中检验：{total}个政策中有{n}个在至少90%的可能世界中"
                     "仍位于前沿",
        "fr_levels": "以下水平来自本次扫描的运行：每次模拟{residents}名居民、{days}天。"
                     "“{label}”随运行累积，因此规模或时长不同的运行（如“比较”页或其他扫描）"
                     "水平也不同；跨页比较时请比较相对基线的变化，而不是水平本身。",
        "fr_various": "不一",
        "fr_on_frontier": "★ 位于前沿", "fr_dominated": "被超越",
        "fr_th_policy": "政策", "fr_th_against": "相对基线（{base}）",
        "fr_th_worlds": "在可能世界中位于前沿（◯：至少90%）",
        "fr_k_of_n": "{n}个中{k}个",
        "fr_table_note": "★ 位于前沿：没有其他政策能同时做到风险更低、效用更高。"
                         "被超越：另有政策在两方面都更好。# 是图中每个点旁的编号。",
        "fr_replications": "重复运行{ok}次（{failed}次失败）。",
        "fr_lever_line": "{lever}：{choice}",
        "fr_base_scenario": "基础情景（未改动任何设置）",
        "fr_yes": "是", "fr_no": "否", "fr_list_sep": "、",
        "fr_words_sep": "；", "fr_words_pair": "{lever}：{choice}",
        "fr_sens_needed": "载入敏感性分析扫描（索博尔法或莫里斯法设计），"
                          "即可查看哪些政策杠杆和假设对结果影响最大。",
        "fr_col_outcome": "结果指标", "fr_col_factor": "因素", "fr_col_S1": "一阶效应指数",
        "fr_col_S1_conf": "一阶效应指数置信半宽", "fr_col_ST": "总效应指数",
        "fr_col_ST_conf": "总效应指数置信半宽", "fr_col_mu_star": "μ*（平均绝对效应）",
        "fr_col_mu_star_conf": "μ*置信半宽", "fr_col_sigma": "σ（效应的标准差）",
        "fr_col_mu": "μ（平均效应）",
        "fr_v_dominated": "被超越", "fr_v_baseline": "基线",
        "fr_v_raises": "{label}增加 {p}% [{a}, {b}]",
        "fr_v_cuts": "{label}减少 {p}% [{a}, {b}]",
        "fr_v_more_by": "{label}增加 {p}% [{a}, {b}]",
        "fr_v_less_by": "{label}减少 {p}% [{a}, {b}]",
        "fr_v_no_level": "{label}：基线水平为零，无法比较",
        "fr_v_no_clear": "{label}无明显变化（{m}%{interval}）",
        "fr_v_unclear": "{label}变化不确定（{m}%{interval}）",
        "fr_v_for_more": "{label}增加 {p}% [{a}, {b}]",
        "fr_v_for_less": "{label}减少 {p}% [{a}, {b}]",
        "fr_v_with": "{change}", "fr_v_line": "{risk}，{utility}",
        "fr_err_no_folder": "文件夹不存在（没有已完成的运行可显示）",
        "fr_err_not_folder": "不是文件夹",
        "fr_err_no_manifest": "不是扫描结果文件夹（缺少 sweep.json）",
        "fr_err_unreadable": "无法读取清单文件 sweep.json（{why}）",
        "fr_err_no_design": "无法读取清单文件 sweep.json（缺少扫描名称或设计）",
        "fr_err_corrupt": "{path} 已损坏或不完整（{why}）",
        "fr_err_no_runs": "没有已完成的运行（应有 results.parquet 或 {pattern}）",
        "fr_err_cannot_read": "无法读取运行结果（{why}）",
        "fr_err_columns": "运行结果表缺少以下列：{columns}",
    },
}
