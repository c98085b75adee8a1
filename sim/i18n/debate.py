"""Strings of the debate tab, the claims and their verdicts, in English and Simplified Chinese.

Merged into :func:`sim.i18n.tr`'s table; English is the reference. The claims themselves
are written in English in :mod:`sim.analysis.claims`; their Chinese is here (:data:`CLAIMS_ZH`,
read by :func:`claim_text`). The templates of :func:`sim.analysis.verdicts.claim_verdict`,
:func:`sim.analysis.verdicts.describe_change`,
:func:`sim.experiments.robustness.claim_across_worlds`, the robustness summaries and
:meth:`sim.experiments.robustness.RobustnessResult.run_size_text` are the ``db_`` keys; the
English templates reproduce the English sentences exactly.
"""

from __future__ import annotations

import re

UI: dict[str, dict[str, str]] = {
    "en": {
        # the tab
        "db_title": "The debate",
        "db_help": "Each claim from the debate about the health code is an experiment: two "
                   "policies on the same seeds. The verdict is computed from the differences "
                   "and their 95% intervals: <i>supported</i> when every prediction is borne "
                   "out. Then the claim is tested across plausible worlds (every uncertain "
                   "assumption drawn from its plausible range): <i>robust</i> when it holds "
                   "in at least 90% of them, or it <i>depends on</i> the assumption named.",
        "db_claim": "Claim", "db_test": "Test this claim",
        "db_experiment": "Experiment: <b>{baseline}</b>{changes} against "
                         "<b>{reform}</b>{rchanges}. Predicted, reform against baseline:",
        "db_setting": " ({name} = {value})", "db_worlds_size_line": "{text}.",
        "db_prediction": "{name}: {want}",
        "db_press": "Press Test this claim.",
        "db_changed": "The claim or the settings changed while it ran: press Test this "
                      "claim.",
        "db_status_out_of_date": "out of date",
        "db_failed": "{n} replications failed: no verdict. {error}",
        "db_failed_status": "{n} replications failed",
        "db_run_size": "{reps} replications from seed {seed}, {residents:,} simulated "
                       "residents, {days} days.",
        "db_done": "done ({runs} runs)",
        "db_cancelled": "Cancelled.",
        "db_testing_worlds": "Testing the claim across {n} plausible worlds ({runs} runs)…",
        "db_worlds_cancelled": "Cancelled: the claim was not tested across the plausible "
                               "worlds.",
        "db_worlds_cancelled_status": "cancelled (plausible worlds)",
        "db_done_worlds": "done ({runs} runs across {n} worlds)",
        # predictions and how they fared (sim.analysis.verdicts.claim_verdict)
        "db_want_lower": "lower", "db_want_higher": "higher", "db_want_unchanged": "unchanged",
        "db_st_not_measurable": "not measurable", "db_st_not_shown": "not shown",
        "db_st_as_predicted": "as predicted", "db_st_no_clear_change": "no clear change",
        "db_st_against": "against the prediction",
        "db_cv_supported": "supported", "db_cv_contradicted": "contradicted",
        "db_cv_mixed": "partly supported, partly contradicted",
        "db_cv_partly": "partly supported", "db_cv_neither": "not shown either way",
        "db_cv_head": "Verdict on \"{claim}\": {word} ({held} of {n} predictions borne out, "
                      "{against} against, {unclear} unclear).",
        "db_cv_line": "  - predicted {want}, {status}: {change}",
        # one outcome's change (sim.analysis.verdicts.describe_change)
        "db_dc_not_compared": "{label}: not compared ({note})",
        "db_dc_change": "{label}: {a} → {b} ({d} [{lo}, {hi}]{rel})",
        "db_dc_rel": ", {pct:+.0f}%",
        "db_dc_unclear": ", unclear (within the replication noise)",
        "db_dc_none": ", no clear change",
        # the claim across the plausible worlds (sim.experiments.robustness.claim_across_worlds)
        "db_cw_unmeasurable": "Across {n} plausible worlds, \"{claim}\": no prediction can be "
                              "measured.",
        "db_cw_head": "Across {n} plausible worlds, \"{claim}\": {word} (every prediction "
                      "holds in {k} of {n} worlds).",
        "db_cw_robust_yes": "robust: supported", "db_cw_robust_no": "robust: not supported",
        "db_cw_depends": "depends on the assumptions",
        "db_cw_depends_on": "depends on {what}: {left} when it is ≤ {t}, {right} above",
        "db_cw_yes": "supported", "db_cw_no": "not supported",
        "db_cw_line": "  - predicted {want} {outcome}: holds in {holds} of {worlds} worlds. "
                      "{summary}",
        "db_cw_line_nm": "  - predicted {want} {outcome}: not measurable ({summary})",
        # an outcome across the worlds (sim.experiments.robustness: the table's summary)
        "db_rs_not_compared": "Not compared: {note}.",
        "db_rs_counts": "better in {b}, worse in {w}, no clear change in {z} of {n} worlds",
        "db_rs_spread": "5-95% of worlds: {lo} to {hi}", "db_rs_spread_rel": ", {lo} to {hi}",
        "db_rs_pp": "{x} pp",
        "db_rs_turn": "{below} when it is ≤ {t}, {above} above",
        "db_rs_robust": "Robust: {change} in {k} of {n} plausible worlds ({spread})",
        "db_rs_size_on": "; its size turns most on {what}",
        "db_rs_none": "No clear change in {z} of {n} plausible worlds",
        "db_rs_none_split": " (better in {b}, worse in {w}",
        "db_rs_none_turn": "; {what}: {turn})", "db_rs_none_end": ")",
        "db_rs_depends": "Depends on {what}: {turn} ({counts}; {spread})",
        "db_rs_jointly": "Depends on the assumptions jointly: {counts}; no single one decides "
                         "it ({spread})",
        "db_rs_jointly_size": "; the size turns most on {what}",
        "db_rs_end": ".",
        "db_rs_better": "better", "db_rs_worse": "worse", "db_rs_nochange": "no clear change",
        "db_rs_higher": "higher", "db_rs_lower": "lower",
        # what the worlds ran (RobustnessResult.run_size_text)
        "db_run_size_worlds": "{worlds} plausible worlds × {reps} paired replications, "
                              "{residents:,} simulated residents, {days} days, seed {seed}; "
                              "{k} uncertainties sampled ({method})",
        "db_method_latin_hypercube": "latin hypercube", "db_method_sobol": "sobol",
        # why an outcome is not compared (see note_text)
        "db_note_not_measured": "not measured in these runs",
        "db_note_same_pairs": "the same in every paired replication: this change does not "
                              "act on it",
        "db_note_same_worlds": "the same in every world and replication: this change does "
                               "not act on it",
        "db_note_few_worlds": "fewer than 4 worlds gave a value",
        "db_note_both": "baseline: {a}; reform: {b}",
        "db_note_one": "{arm}: {why}; the {other} is measured, but has nothing to be "
                       "compared with",
        "db_arm_baseline": "baseline", "db_arm_reform": "reform",
    },
    "zh": {
        "db_title": "争论",
        "db_help": "围绕健康码的争论中，每个说法都是一次实验：两种政策使用相同的随机种子。"
                   "结论根据两者的差异及其95%区间计算：每项预测都得到证实时为<i>得到支持</i>。"
                   "随后在各种可能世界中检验该说法（每个不确定假设在其合理范围内抽取）："
                   "在至少90%的可能世界中成立即为<i>稳健</i>，否则结论<i>取决于</i>所指出的假设。",
        "db_claim": "说法", "db_test": "检验这个说法",
        "db_experiment": "实验：<b>{baseline}</b>{changes} 对比 <b>{reform}</b>{rchanges}。"
                         "预测（改革方案相对基线）：",
        "db_setting": "（{lever} = {choice}）", "db_worlds_size_line": "{text}。",
        "db_prediction": "{label}：{want}",
        "db_press": "点击“检验这个说法”开始运行。",
        "db_changed": "运行期间说法或设置已更改：请点击“检验这个说法”。",
        "db_status_out_of_date": "已过期",
        "db_failed": "{n}次重复运行失败，无法得出结论。{error}",
        "db_failed_status": "{n}次重复运行失败",
        "db_run_size": "从随机种子{seed}起重复{reps}次，模拟居民{residents:,}人，{days}天。",
        "db_done": "完成（{runs}次运行）",
        "db_cancelled": "已取消。",
        "db_testing_worlds": "正在{n}个可能世界中检验这个说法（{runs}次运行）…",
        "db_worlds_cancelled": "已取消：这个说法未在各种可能世界中检验。",
        "db_worlds_cancelled_status": "已取消（可能世界）",
        "db_done_worlds": "完成（在{n}个可能世界中共{runs}次运行）",
        "db_want_lower": "下降", "db_want_higher": "上升", "db_want_unchanged": "不变",
        "db_st_not_measurable": "无法测量", "db_st_not_shown": "未能判断",
        "db_st_as_predicted": "与预测一致", "db_st_no_clear_change": "无明显变化",
        "db_st_against": "与预测相反",
        "db_cv_supported": "得到支持", "db_cv_contradicted": "被结果否定",
        "db_cv_mixed": "部分得到支持，部分被否定",
        "db_cv_partly": "部分得到支持", "db_cv_neither": "既未证实也未否定",
        "db_cv_head": "对“{claim}”的结论：{word}（{n}项预测中{held}项得到证实，"
                      "{against}项相反，{unclear}项不确定）。",
        "db_cv_line": "  - 预测{want}，{status}：{change}",
        "db_dc_not_compared": "{label}：未比较（{note}）",
        "db_dc_change": "{label}：{a} → {b}（{d} [{lo}, {hi}]{rel}）",
        "db_dc_rel": "，{pct:+.0f}%",
        "db_dc_unclear": "，不确定（在重复运行噪声范围内）",
        "db_dc_none": "，无明显变化",
        "db_cw_unmeasurable": "在{n}个可能世界中检验“{claim}”：没有一项预测可以测量。",
        "db_cw_head": "在{n}个可能世界中检验“{claim}”：{word}"
                      "（{n}个可能世界中有{k}个全部预测成立）。",
        "db_cw_robust_yes": "稳健：得到支持", "db_cw_robust_no": "稳健：得不到支持",
        "db_cw_depends": "取决于各项假设",
        "db_cw_depends_on": "取决于{what}：≤ {t} 时{left}，高于时{right}",
        "db_cw_yes": "得到支持", "db_cw_no": "得不到支持",
        "db_cw_line": "  - 预测{label}{want}：{worlds}个可能世界中{holds}个成立。{summary}",
        "db_cw_line_nm": "  - 预测{label}{want}：无法测量（{summary}）",
        "db_rs_not_compared": "未比较：{note}。",
        "db_rs_counts": "{n}个可能世界中{b}个更好、{w}个更差、{z}个无明显变化",
        "db_rs_spread": "5%至95%的可能世界：{lo} 至 {hi}", "db_rs_spread_rel": "，{lo} 至 {hi}",
        "db_rs_pp": "{x} 个百分点",
        "db_rs_turn": "≤ {t} 时{below}，高于时{above}",
        "db_rs_robust": "稳健：{n}个可能世界中{k}个{change}（{spread}）",
        "db_rs_size_on": "；变化幅度主要取决于{what}",
        "db_rs_none": "{n}个可能世界中{z}个无明显变化",
        "db_rs_none_split": "（{b}个更好、{w}个更差",
        "db_rs_none_turn": "；{what}：{turn}）", "db_rs_none_end": "）",
        "db_rs_depends": "取决于{what}：{turn}（{counts}；{spread}）",
        "db_rs_jointly": "取决于多项假设的共同作用：{counts}；没有单一假设起决定作用（{spread}）",
        "db_rs_jointly_size": "；变化幅度主要取决于{what}",
        "db_rs_end": "。",
        "db_rs_better": "更好", "db_rs_worse": "更差", "db_rs_nochange": "无明显变化",
        "db_rs_higher": "更高", "db_rs_lower": "更低",
        "db_run_size_worlds": "{worlds}个可能世界 × 每个{reps}次配对重复运行，模拟居民"
                              "{residents:,}人，{days}天，随机种子{seed}；抽样{k}项不确定假设"
                              "（{method}）",
        "db_method_latin_hypercube": "拉丁超立方抽样", "db_method_sobol": "索博尔序列",
        "db_note_not_measured": "这些运行中未测量",
        "db_note_same_pairs": "每次配对重复运行中都相同：这项改变不影响该指标",
        "db_note_same_worlds": "在每个可能世界、每次重复运行中都相同：这项改变不影响该指标",
        "db_note_few_worlds": "得到数值的可能世界少于4个",
        "db_note_both": "基线：{a}；改革方案：{b}",
        "db_note_one": "{arm}：{why}；{other}有测量值，但没有可比较的对象",
        "db_arm_baseline": "基线", "db_arm_reform": "改革方案",
    },
}

#: the claims of :mod:`sim.analysis.claims` in Simplified Chinese, by claim key
CLAIMS_ZH: dict[str, dict[str, str]] = {
    "on_device": {
        "claim": "档案存于手机、每次调阅须经本人同意，既能把风险降到很低，又不影响诊疗",
        "said": "专家：健康档案存在您自己的手机上，只有经您同意才会出示，因此隐私风险很小，"
                "而且各地医生仍能看到您的病史。",
        "reading": "没有患者出示的码，工作人员无法打开档案，医保机构和支付平台上也没有整合后的"
                   "副本；但各医疗机构仍保存着自己的记录，所以风险会下降，却不会消失。",
    },
    "integration": {
        "claim": "健康码、医保码与支付码整合只会增加超范围使用和危害，不带来临床价值",
        "said": "批评者：把健康码、医保码和支付码合并，是为了管控，而不是为了诊疗。",
    },
    "value": {
        "claim": "数据的转卖价值降到十分之一，遭受的攻击就会减少",
        "said": "专家：健康数据转卖价值不高，招不来多少攻击者。",
        "reading": "勒索软件的赎金是为恢复系统而付，而不是为数据本身，因此记录的价值对外部入侵"
                   "的影响，远小于对内部人员倒卖记录的影响。",
    },
    "enforcement": {
        "claim": "严格审计、目的限定、加密和执法能够威慑违规并及时发现",
        "said": "专家：严格的监管和处罚能保障数据安全。",
        "reading": "违规行为随受罚确定性的提高而平稳减少；境外团伙很少受到制裁，因此外部入侵"
                   "对此的反应不如内部人员明显。",
    },
    "minimal": {
        "claim": "按最少必要原则采集，几乎不影响诊疗，又能减少危害",
        "said": "《个人信息保护法》的规定：只采集处理目的所必需的信息。",
        "reading": "结论取决于生活方式和人口学字段对医生有多大帮助"
                   "（lifestyle_clinical_value），这是一个需要做参数扫描的假设。",
    },
}


def claim_text(claim, part: str = "claim", lang: str = "en") -> str:
    """A claim's ``claim``, ``said`` or ``reading`` in ``lang`` (a ``sim.analysis.claims.Claim``).

    English is the claim's own text; a missing translation falls back to it.
    """
    own = getattr(claim, part)
    if lang == "zh" and own:
        return CLAIMS_ZH.get(claim.key, {}).get(part) or own
    return own


def note_text(note: str, lang: str = "en") -> str:
    """Why an outcome is not compared (a ``note`` of the comparison or the worlds) in ``lang``.

    The notes are written in English by :mod:`sim.experiments.robustness` and
    :mod:`sim.experiments.experiment`: a reason an outcome is fixed by design
    (:data:`sim.i18n.outcomes.PINNED_ZH`), the two arms' reasons, or one of a few fixed
    sentences; an unknown note stays as it is.
    """
    from . import tr
    from .outcomes import PINNED_ZH

    if lang == "en" or not note:
        return note
    fixed = {tr(k, "en"): k for k in ("db_note_not_measured", "db_note_same_pairs",
                                      "db_note_same_worlds", "db_note_few_worlds")}
    if note in fixed:
        return tr(fixed[note], lang)
    m = re.fullmatch(r"(baseline|reform): (.*); the (baseline|reform) is measured, but has "
                     r"nothing to be compared with", note, re.S)
    if m:
        return tr("db_note_one", lang).format(arm=tr(f"db_arm_{m[1]}", lang),
                                              why=note_text(m[2], lang),
                                              other=tr(f"db_arm_{m[3]}", lang))
    m = re.fullmatch(r"baseline: (.*); reform: (.*)", note, re.S)
    if m:
        return tr("db_note_both", lang).format(a=note_text(m[1], lang),
                                               b=note_text(m[2], lang))
    return PINNED_ZH.get(note, note) if lang == "zh" else note
