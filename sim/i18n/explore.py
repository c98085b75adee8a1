"""Strings of the Explore tab: one policy in detail, in English and Simplified Chinese.

Merged into :func:`sim.i18n.tr`'s table; English is the reference. The tab also uses the
Compare tab's shared words (``cancel``, ``running``, ``cannot_run``, ``status_busy`` and the
table's ``t_outcome``, ``t_ci``, ``t_unit``).
"""

UI: dict[str, dict[str, str]] = {
    "en": {
        "ex_title": "Policy explorer", "ex_scenario": "Scenario", "ex_run": "Run",
        "ex_outcomes": "Outcomes", "ex_daily": "Daily series",
        "ex_network": "Institution network",
        "ex_press_run": "Press Run.",
        "ex_out_of_date": "Out of date: the inputs have changed since these results were "
                          "computed. Press Run to update.",
        "ex_not_run": "not run: {error}",
        "ex_failed": "{failed} of {reps} replications failed",
        "ex_failed_detail": "{failed} of {reps} replications failed: {error}",
        "ex_cancelled": "Cancelled: nothing shown.",
        "ex_run_failed": "The run failed: {error}",
        "ex_done": "done ({reps} replications)",
        "ex_network_run": "replication 1 of your seed {seed}",
        "ex_privacy": "Privacy risk", "ex_clinical": "Clinical utility and other",
        "ex_mean": "mean",
    },
    "zh": {
        "ex_title": "政策探索", "ex_scenario": "情景", "ex_run": "运行",
        "ex_outcomes": "结果指标", "ex_daily": "逐日变化",
        "ex_network": "机构数据共享网络",
        "ex_press_run": "点击“运行”开始。",
        "ex_out_of_date": "结果已过期：计算后输入已更改。请点击“运行”更新。",
        "ex_not_run": "未运行：{error}",
        "ex_failed": "{reps}次重复运行中有{failed}次失败",
        "ex_failed_detail": "{reps}次重复运行中有{failed}次失败：{error}",
        "ex_cancelled": "已取消：不显示任何结果。",
        "ex_run_failed": "运行失败：{error}",
        "ex_done": "完成（{reps}次重复运行）",
        "ex_network_run": "您的随机种子{seed}下的第1次重复运行",
        "ex_privacy": "隐私风险", "ex_clinical": "临床效用及其他",
        "ex_mean": "均值",
    },
}
