"""Labels and verdicts in the planner's language: English or Simplified Chinese.

The plan's planners work in Chinese. :func:`tr` looks up a user-interface string,
:func:`outcome_label`, :func:`lever_label` and :func:`choice_label` name outcomes, levers and
their choices, and :func:`sim.analysis.verdicts.comparison_verdict` writes its sentences from
the templates here (``lang="zh"``). English is the reference: a key missing in another language
falls back to it, so nothing is ever shown blank.

The strings live in catalogues by area: the Compare tab's and the verdict's here, and the
other tabs', the charts' and the reports' in the modules beside this one
(:mod:`sim.i18n.explore`, :mod:`~sim.i18n.frontier`, :mod:`~sim.i18n.debate`,
:mod:`~sim.i18n.charts`, :mod:`~sim.i18n.params`, :mod:`~sim.i18n.outcomes`,
:mod:`~sim.i18n.report`), each a
``UI = {"en": {...}, "zh": {...}}`` merged into one table at import. A key may appear in
one catalogue only.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "chart_text", "choice_label", "lever_label", "outcome_definition",
           "outcome_label", "param_help", "pinned_reason", "tr"]

LANGUAGES = {"en": "English", "zh": "简体中文"}

_UI = {
    "en": {
        "app_title": "Health-data policy workbench",
        "app_intro": "How a national electronic health record would trade privacy-leak risk "
                     "for clinical information, under the policy you choose. <b>Compare</b> "
                     "a reform with a baseline; <b>Explore</b> one policy in detail; see the "
                     "<b>Frontier</b> of many policies from a sweep; test the claims of "
                     "<b>the debate</b>.",
        "tab_compare": "Compare", "tab_explore": "Explore", "tab_frontier": "Frontier",
        "tab_debate": "The debate",
        "compare_title": "Baseline versus reform",
        "compare_help": "Pick a <b>baseline</b> and a <b>reform</b>, change the reform's "
                        "levers if you like, then press <b>Compare</b>. Both run on the same "
                        "seeds (the same residents fall ill on the same days), so the "
                        "differences are the policy's doing. Results show 95% intervals "
                        "over replications.",
        "compare": "Compare", "cancel": "Cancel", "baseline": "Baseline",
        "reform_from": "Reform from", "scenarios": "Scenarios",
        "reform_levers": "Reform levers", "assumptions": "Assumptions (both arms)",
        "verdict": "Verdict", "who_gains": "Who bears the risk, who gains",
        "winners_help": "The same simulated residents live in both arms (common random "
                        "numbers), so each one's outcomes can be compared. Exposure is "
                        "partly chance (which incident hits whom), so some residents are "
                        "newly exposed even under a safer policy: compare the two shares.",
        "every_outcome": "Every outcome", "over_time": "Over time",
        "by_group_table": "Change by group (table)",
        "across_worlds": "How sure: across the plausible worlds",
        "plausible_worlds": "Plausible worlds",
        "testing_worlds": "Testing the verdict across {n} plausible worlds ({runs} runs{s}): "
                          "every uncertain assumption drawn from its plausible range, both "
                          "policies on the same seeds…",
        "worlds_cancelled": "Robustness stage cancelled: the verdict above shows replication "
                            "noise at the assumed values only, not what we do not know.",
        "worlds_cancelled_status": "cancelled (robustness stage); the replication verdict "
                                   "stays",
        "press_compare": "Press Compare to run.", "running": "Running…",
        "out_of_date": "Out of date: the inputs have changed since these results were "
                       "computed. Press Compare to update.",
        "cannot_run": "Cannot run these inputs:",
        "replications": "Replications", "seed": "Seed",
        "residents": "Simulated residents", "days": "Days", "language": "Language",
        "reform_changes": "The reform changes {n} setting(s) of the baseline",
        "same_as_baseline": "The reform is the same as the baseline.",
        "t_outcome": "outcome", "t_unit": "unit", "t_base": "baseline", "t_reform": "reform",
        "t_diff": "reform − baseline", "t_ci": "95% interval", "t_is": "reform is",
        "v_better": "better", "v_worse": "worse", "v_different": "different",
        "v_unclear": "unclear", "v_none": "no clear change",
        "t_unchanged": "{n} outcomes with no clear change (the interval within the outcome's "
                       "margin: 1% of the baseline, 0.1 point for a share) or an unclear one "
                       "(an interval too wide to tell)",
        "t_noted": "{n} outcomes not compared, and why",
        "share_link": "Link to these inputs",
        "share_help": "(open it, bookmark it or send it: the app opens with these inputs)",
        "worlds_none": "none: replication noise only",
        "worlds_then": "then {runs} more runs across {n} worlds",
        "worlds_noise": "replication noise only",
        "open_reform_file": "Open a reform file",
        "open_reform_file_tip": "A reform scenario file (YAML): this app's own download or "
                                "any valid scenario file; it becomes the reform, its settings "
                                "on the levers",
        "tip_replications": "Runs of each policy, each on its own seed (policies compared "
                            "share the seeds): more runs give narrower 95% intervals and "
                            "take longer",
        "tip_seed": "The first random seed: the same seed gives the same numbers",
        "tip_residents": "Simulated residents, each standing for many real ones: more give "
                         "steadier numbers and take longer",
        "tip_days": "Simulated days",
        "status_running": "running {done} of {total} runs…", "status_cache": "from the cache",
        "status_cancelled": "cancelled", "status_cancelling": "cancelling…",
        "status_busy": "still working on the last request…",
        "status_done": "done in {s:.1f} s ({runs} runs",
        "status_failed": ", {n} failed", "status_all_cached": "all from the cache",
        "result_line": "Result {n}: {a} against {b}, {reps} replications from seed {seed}, "
                       "{residents:,} simulated residents, {days} days.",
        "confirm": "This comparison will take {when} (an estimate, within about a factor of "
                   "two) and need about {mem} ({runs} runs of {residents:,} residents for "
                   "{days:,} days{worlds}). Press Compare again to start it, or make it "
                   "smaller (fewer residents, days or replications).",
        "confirm_worlds": ", then the robustness stage across {n} worlds",
    },
    "zh": {
        "app_title": "健康数据政策工作台",
        "app_intro": "在您选择的政策下，全国电子健康档案会以多大的隐私泄露风险换取多少临床信息。"
                     "<b>比较</b>改革方案与基线；<b>探索</b>单个政策的细节；查看参数扫描得到的多个政策的"
                     "<b>前沿</b>；检验<b>争论</b>中的说法。",
        "tab_compare": "比较", "tab_explore": "探索", "tab_frontier": "前沿",
        "tab_debate": "争论",
        "compare_title": "基线与改革方案",
        "compare_help": "选择<b>基线</b>和<b>改革方案</b>，可调整改革方案的政策杠杆，然后点击"
                        "<b>比较</b>。两者使用相同的随机种子（同样的居民在同样的日子生病），"
                        "因此差异来自政策本身。结果给出各次重复运行的95%置信区间。",
        "compare": "比较", "cancel": "取消", "baseline": "基线", "reform_from": "改革方案起点",
        "scenarios": "情景", "reform_levers": "改革方案的政策杠杆",
        "assumptions": "假设（两组共用）", "verdict": "结论",
        "who_gains": "谁承担风险，谁受益", "every_outcome": "全部结果指标",
        "winners_help": "两种政策下是同一批模拟居民（共同随机数），因此可以逐个比较。"
                        "信息是否暴露部分取决于偶然（哪起事件波及谁），即使政策更安全，也会有"
                        "居民新遭信息暴露：请比较两个比例。",
        "over_time": "随时间变化", "by_group_table": "各群体的变化（表格）",
        "across_worlds": "结论有多可靠：在各种可能世界中检验",
        "plausible_worlds": "可能世界数",
        "testing_worlds": "正在{n}个可能世界中检验结论（{runs}次运行{s}）：每个不确定"
                          "假设在其合理范围内抽取，两种政策使用相同随机种子…",
        "worlds_cancelled": "稳健性检验已取消：上面的结论只反映在假定参数下的重复运行噪声，"
                            "不反映我们未知的因素。",
        "worlds_cancelled_status": "已取消（稳健性检验）；重复运行的结论保留",
        "press_compare": "点击“比较”开始运行。", "running": "运行中…",
        "out_of_date": "结果已过期：计算后输入已更改。请点击“比较”更新。",
        "cannot_run": "无法运行这些输入：",
        "replications": "重复次数", "seed": "随机种子", "residents": "模拟居民数",
        "days": "天数", "language": "语言",
        "reform_changes": "改革方案改变了基线的 {n} 项设置",
        "same_as_baseline": "改革方案与基线相同。",
        "t_outcome": "结果指标", "t_unit": "单位", "t_base": "基线", "t_reform": "改革方案",
        "t_diff": "改革方案 − 基线", "t_ci": "95%区间", "t_is": "改革方案",
        "v_better": "更好", "v_worse": "更差", "v_different": "不同",
        "v_unclear": "不确定", "v_none": "无明显变化",
        "t_unchanged": "{n}项结果无明显变化（区间在该指标的容差内：基线的1%，"
                       "比例指标为0.1个百分点）或不确定（区间太宽，无法判断）",
        "t_noted": "{n}项结果未比较及原因",
        "share_link": "指向这些输入的链接",
        "share_help": "（打开、收藏或发送此链接：工作台将以这些输入打开）",
        "worlds_none": "无：仅重复运行噪声",
        "worlds_then": "之后在{n}个可能世界中再运行{runs}次",
        "worlds_noise": "仅重复运行噪声",
        "open_reform_file": "打开改革方案文件",
        "open_reform_file_tip": "改革方案文件（YAML）：本应用下载的文件或任何有效的情景文件；"
                                "打开后即作为改革方案，其设置显示在政策杠杆上",
        "tip_replications": "每种政策的运行次数，每次使用各自的随机种子（相互比较的政策使用相同的"
                            "种子）：次数越多，95%区间越窄，耗时越长",
        "tip_seed": "第一个随机种子：相同的种子给出相同的结果",
        "tip_residents": "模拟居民人数，每名模拟居民代表许多真实居民："
                         "人数越多，结果越稳定，耗时越长",
        "tip_days": "模拟天数",
        "status_running": "正在运行：{done}/{total}次…", "status_cache": "来自缓存",
        "status_cancelled": "已取消", "status_cancelling": "正在取消…",
        "status_busy": "仍在处理上一个请求…",
        "status_done": "完成，用时{s:.1f}秒（{runs}次运行",
        "status_failed": "，{n}次失败", "status_all_cached": "全部来自缓存",
        "result_line": "结果{n}：{a} 对比 {b}，从随机种子{seed}起重复{reps}次，"
                       "模拟居民{residents:,}人，{days}天。",
        "confirm": "此次比较预计需要{when}（估计值，误差约在两倍以内），内存约{mem}（{runs}次运行，"
                   "每次{residents:,}名居民、{days:,}天{worlds}）。再次点击“比较”开始运行，"
                   "或缩小规模（减少居民数、天数或重复次数）。",
        "confirm_worlds": "，随后在{n}个可能世界中进行稳健性检验",
    },
}

_OUTCOMES_ZH = {
    "residents_exposed_rate": "信息暴露的居民", "records_exposed": "暴露的记录",
    "harm_per_1000": "危害", "reidentification_risk": "假名化泄露的再识别风险（检察官模型）",
    "marketer_risk": "假名化泄露的再识别风险（营销者模型）",
    "journalist_records_at_risk": "超过9%风险阈值的假名化泄露",
    "quasi_identifier_risk": "由准标识符再识别的可能性",
    "identified_leak_share": "带直接标识符的泄露记录比例",
    "mean_dossier_completeness": "数据经纪商档案（平均完整度）",
    "dossier_over_half_rate": "档案完整度过半的居民",
    "max_dossier_completeness": "最完整的经纪商档案", "breaches": "外部入侵",
    "insider_incidents": "内部人员事件", "loss_theft_incidents": "记录丢失或被盗",
    "function_creep_incidents": "超范围使用（功能蔓延）行动", "detected_share": "被发现事件的比例",
    "mean_days_to_detect": "平均发现天数", "utility_rate": "临床效用",
    "emergency_info_rate": "异地急诊时可获得的信息", "adverse_events_averted": "避免的药物不良事件",
    "duplicate_tests_avoided": "避免的重复检查", "admissions_avoided": "避免的急诊住院",
    "downtime_days": "停机天数", "shared_system_downtime_days": "共享系统停机天数",
    "participation_rate": "参与率", "mean_trust": "平均信任度",
    "withholding_rate": "向医生隐瞒信息的居民比例",
}

_LEVERS_ZH = {
    "collection_scope": "采集范围", "collection_fields": "采集字段", "retention_days": "保存天数",
    "consent_model": "同意模式", "architecture": "系统架构", "identity": "身份标识",
    "code_integration": "健康码整合程度", "access_breadth": "访问范围",
    "audit_strength": "审计强度",
    "purpose_binding": "目的限定", "encryption_at_rest": "静态加密",
    "breach_notification": "泄露通知", "enforcement_probability": "执法概率",
    "penalty_yuan": "罚款（元）",
    # the assumptions (uncertainties)
    "share_concerned": "重视隐私的居民比例", "share_unconcerned": "不在意隐私的居民比例",
    "trust_concerned": "初始信任度（重视隐私者）", "trust_pragmatic": "初始信任度（务实者）",
    "trust_unconcerned": "初始信任度（不在意隐私者）",
    "response_concerned": "信任反应强度（重视隐私者）",
    "response_unconcerned": "信任反应强度（不在意隐私者）",
    "participation_threshold": "参与的信任阈值", "participation_slope": "参与曲线宽度",
    "consent_reviews_per_year": "每年重新考虑同意的次数",
    "opt_in_effort": "能完成加入手续的居民比例", "withholding_rate": "向医生隐瞒信息的比例",
    "withholding_control_factor": "有选择权时的隐瞒系数",
    "granular_hide_share": "分项同意下隐藏敏感字段的比例",
    "breach_trust_drop": "被告知泄露后的信任下降", "news_trust_drop": "泄露新闻造成的信任下降",
    "news_review_share": "泄露新闻引发的重新考虑", "attention_half_life_days": "公众关注半衰期",
    "notification_review_days": "收到通知到重新考虑的天数",
    "trust_sensitivity_effect": "设计敏感度对信任的影响",
    "trust_transparency_effect": "设计透明度对信任的影响",
    "refusal_odds_women": "拒绝共享的比值比（女性）",
    "refusal_odds_age_20_49": "拒绝共享的比值比（20-49岁）",
    "refusal_odds_under_20": "拒绝共享的比值比（20岁以下）",
    "rollout_decision_share": "推行时即作决定的居民比例",
    "notified_harm_reduction": "收到通知后避免的危害比例", "trust_half_life_days": "信任冲击半衰期",
    "show_code_threshold": "亮码的信任阈值", "internet_use_all": "互联网使用率（全体居民）",
    "internet_use_60plus": "互联网使用率（60岁及以上）",
    "internet_use_rural": "互联网使用率（农村居民）", "insurance_enrolment": "基本医保参保率",
    "online_payment_share": "网上支付比例", "phone_present": "就诊时手机在身边的概率",
    "emergency_incapacitated": "急诊患者无法亮码或表示同意的概率",
    "patient_history_complete": "急诊患者完整陈述病史的概率",
    "prevalence_chronic": "慢性病患病率", "prevalence_mental": "有精神健康记录的比例",
    "prevalence_infectious": "有法定传染病记录的比例",
    "prevalence_genetic": "有遗传或家族史数据的比例", "prevalence_surgery": "有手术史的比例",
    "prevalence_reproductive": "有生殖健康记录的比例",
    "routine_visits_per_year": "每年常规门诊次数", "chronic_visits_per_year": "每年慢病复诊次数",
    "emergency_visits_per_year": "每年急诊次数",
    "preventive_visits_per_year": "每年预防保健就诊次数",
    "care_propensity_shape": "就医倾向差异（形状参数）", "away_share_emergency": "异地急诊比例",
    "away_share_other": "其他就诊中的异地比例", "care_continuity": "就诊连续性",
    "lifestyle_clinical_value": "生活方式等字段的临床价值系数",
    "med_history_error_rate": "用药史差错率", "med_error_important": "有临床意义的差错比例",
    "reconciliation_relative_risk": "有电子用药史时的差异相对风险",
    "repeat_test_rate": "重复检查率", "repeat_test_odds_ratio": "共享结果时重复检查的比值比",
    "shared_lookup_probability": "医生查阅共享记录的概率", "ed_admission_rate": "急诊住院率",
    "hie_admission_odds_ratio": "使用共享信息时住院的比值比",
    "n_external_groups": "外部犯罪团伙数",
    "external_attacks_per_million_per_year": "外部攻击尝试（每百万居民每年）",
    "ransomware_share": "勒索软件团伙比例", "targeted_share": "定向攻击团伙比例",
    "targeted_attacks_per_group_per_year": "每个定向团伙每年的攻击次数",
    "attacker_skill": "攻击者技术水平", "attack_surface_exponent": "攻击面指数",
    "institution_size_log10_sd": "机构规模差异（log10标准差）",
    "breach_size_log10_mean": "泄露规模中位数（log10）",
    "breach_size_log10_sd": "泄露规模离散度（log10标准差）", "breach_size_exponent": "泄露规模指数",
    "ransomware_downtime_days": "勒索软件造成的停机天数",
    "insiders_per_institution": "每个机构的潜在内部人员数",
    "insider_acts_per_million_per_year": "内部人员作案机会（每百万居民每年）",
    "insider_seller_share": "出售记录的内部人员比例",
    "insider_sale_log10_mean": "内部人员单次出售规模中位数（log10）",
    "insider_sale_log10_sd": "内部人员出售规模离散度（log10标准差）",
    "coverage_half_records": "接触半数目标所需的记录数",
    "snoop_records_mean": "每次窥探打开的记录数",
    "loss_theft_per_million_per_year": "记录丢失或被盗（每百万居民每年）",
    "loss_theft_log10_mean": "单次丢失或被盗规模中位数（log10）",
    "loss_theft_log10_sd": "丢失或被盗规模离散度（log10标准差）",
    "breach_rate_transfer_factor": "泄露发生率换算系数（中国相对美国）",
    "gain_log_sd": "作案收益离散度（对数标准差）", "n_brokers": "数据经纪商数",
    "broker_buy_probability": "泄露数据流入经纪商的概率", "n_secondary_users": "二次使用者数",
    "secondary_campaigns_per_year": "每年超范围使用行动数",
    "secondary_campaign_log10_mean": "单次超范围行动查询的居民数（log10）",
    "secondary_value_per_resident_yuan": "每查询一名居民的价值（元）",
    "attack_cost_yuan": "单次攻击成本（元）",
    "insider_reservation_yuan": "内部人员作案门槛收益（元）",
    "curiosity_value_yuan": "满足好奇心的价值（元）", "bulk_value_factor": "批发价格系数",
    "resale_value_multiplier": "转售价值倍数", "ransom_yuan_scale": "赎金规模系数（元）",
    "reservation_log_sd": "成本与门槛收益离散度（对数标准差）",
    "perceived_penalty_exponent": "感知处罚指数", "attacker_belief_strength": "攻击者初始信念强度",
    "attacker_peer_weight": "同伙被发现的权重", "attacker_success_weight": "未被发现的成功的权重",
    "attacker_success_prior_strength": "攻击成功率的先验强度",
    "foreign_enforcement_factor": "对外部团伙的执法系数",
    "detection_days_external": "外部入侵平均发现天数",
    "detection_days_insider": "内部滥用平均发现天数",
    "key_compromise_probability": "凭证或密钥被盗的概率",
    "external_detection_probability": "外部入侵被发现的概率",
    "security_clinic": "社区诊所安全水平", "security_hospital": "医院安全水平",
    "security_platform": "平台安全水平", "security_agency": "公共机构安全水平",
    "shock_day": "冲击事件发生日", "shock_fraction": "冲击事件中被窃记录比例",
    # the run settings
    "n_residents": "模拟居民数", "n_days": "天数", "real_population": "代表的实际人口",
    "n_regions": "地区数", "counties_per_region": "每个地区的县区数",
    "clinics_per_region": "每个地区的社区诊所节点数",
    "secondary_per_region": "每个地区的二级医院节点数",
    "tertiary_per_region": "每个地区的三级医院节点数", "history_years": "已有电子诊疗历史（年）",
}

_CHOICES_ZH = {
    "minimal": "最少必要", "clinical": "临床", "extended": "扩展", "maximal": "最大",
    "custom": "自定义", "implied": "默示同意", "opt_out": "选择退出", "opt_in": "选择加入",
    "granular": "分项同意", "per_access": "每次访问同意",
    "per_access_break_glass": "每次访问同意（紧急时可破例调阅）", "silos": "各机构分散存储",
    "regional": "区域平台", "national": "全国", "federated": "联邦（记录定位）",
    "on_device": "存于手机", "id_card_master_index": "以身份证号为主索引",
    "per_domain_pseudonyms": "分领域假名", "health_only": "仅健康码",
    "health_insurance": "健康码+医保码", "health_insurance_payment": "健康码+医保码+支付码",
    "treating_team": "诊疗团队", "institution": "本机构", "region": "本区域",
    "none": "不通知", "affected": "通知受影响者", "public": "公开通报",
}

#: the verdict's sentence templates (see :func:`sim.analysis.verdicts.comparison_verdict`)
VERDICT = {
    "en": {
        "more": "more", "fewer": "fewer", "less": "less", "more_harm": "more",
        "less_harm": "less", "label_sep": "; ",
        "exposes": "exposes {n} {word} residents per 100,000 {ci}",
        "exposes_same": "exposes about as many residents ({why}: {mean} per 100,000, "
                        "interval [{lo}, {hi}])",
        "no_clear_change": "no clear change", "too_small": "a change too small to matter",
        "care": "gives clinicians {pp} percentage points {word} of the information they need "
                "{ci} ({a}% → {b}%)",
        "care_same": "gives clinicians about as much of the information they need (no clear "
                     "change)",
        "headline": "Compared with {baseline}, {reform} {exposure} and {care}.",
        "emergency": "In emergencies away from home, clinicians get {pp} percentage points "
                     "{word} of the information they need {ci} ({a}% → {b}%).",
        "harm": "The information exposed is {mw} harmful: a harm score {n} {word} per 1,000 "
                "residents {ci} (each re-identifiable sensitive field exposed counts its "
                "sensitivity, 0 to 1).",
        "count": "{n} {word} {what} in the country over the run {ci}.",
        "insider_incidents": "insider incidents",
        "function_creep_incidents": "beyond-purpose (function creep) campaigns",
        "dossier": "Data brokers hold a dossier over half complete on {n} {word} residents "
                   "per 100,000 {ci} ({a}% → {b}% of residents).",
        "not_compared": "Not compared ({labels}): {note}.",
        "baseline": "the baseline", "reform": "The reform",
        "worlds_line": "How sure, across {n} plausible worlds ({size}): {parts}.",
        "worlds_size": "{residents:,} simulated residents each",
        "w_robust": "robust, {word} in {k} of {n} worlds ({lo} to {hi})",
        "w_none": "no clear change in {k} of {n} worlds",
        "w_depends": "depends on {what}: {below} when it is ≤ {t}, {above} above",
        "w_jointly": "depends on the assumptions jointly ({b} better, {w} worse, {z} no clear "
                     "change of {n} worlds)",
        "w_better": "better", "w_worse": "worse", "w_none_word": "no clear change",
        "w_sep": "; ", "w_part": "{label}: {phrase}",
        "t_line": "The trade-off: {summary}; {rest} ({counts}).",
        "t_gain_exposure": "it protects {n} residents per 100,000 from exposure",
        "t_gain_info": "it gives clinicians {n} percentage points more of the information "
                       "they need",
        "t_cost_exposure": "{n} more residents exposed per 100,000",
        "t_cost_info": "{n} percentage points of the information clinicians need",
        "t_worse_exposure": "it exposes {n} more residents per 100,000",
        "t_worse_info": "it gives clinicians {n} percentage points less of the information "
                        "they need",
        "t_at_cost": "{gain} at a cost of {cost}",
        "t_no_pair": "no clear change in exposure or in the information clinicians get",
        "t_also_worse": "also worse on {labels}",
        "t_nothing_else": "nothing else is clearly worse",
        "t_none_worse": "no outcome is clearly worse",
        "t_counts": "of {n} outcomes compared: {b} better, {w} worse, {z} no clear change or "
                    "unclear",
        "t_worse_list": "Clearly worse: {items}.",
        "t_points": "points",
    },
    "zh": {
        "more": "增加", "fewer": "减少", "less": "减少",
        "more_harm": "更大", "less_harm": "更小", "label_sep": "、",
        "exposes": "每10万居民中信息暴露的居民{word} {n} 人 {ci}",
        "exposes_same": "信息暴露的居民人数大致相同（{why}：每10万居民 {mean}，区间 "
                        "[{lo}, {hi}]）",
        "no_clear_change": "无明显变化", "too_small": "变化太小，可忽略",
        "care": "医生获得的所需信息{word} {pp} 个百分点 {ci}（{a}% → {b}%）",
        "care_same": "医生获得的所需信息大致相同（无明显变化）",
        "headline": "与{baseline}相比，{reform}：{exposure}；{care}。",
        "emergency": "异地急诊时，医生获得的所需信息{word} {pp} 个百分点 {ci}（{a}% → {b}%）。",
        "harm": "暴露信息的危害{mw}：每千名居民的危害分{word} {n} {ci}（每个可再识别的敏感字段"
                "按其敏感度0至1计分）。",
        "count": "模拟期内全国{what}{word} {n} 起 {ci}。",
        "insider_incidents": "内部人员事件",
        "function_creep_incidents": "超范围使用（功能蔓延）行动",
        "dossier": "数据经纪商掌握过半完整档案的居民每10万人{word} {n} 人 {ci}（{a}% → {b}%）。",
        "not_compared": "未比较（{labels}）：按设计固定或无法测量，不作比较。",
        "baseline": "基线", "reform": "改革方案",
        "worlds_line": "稳健性（{n}个可能世界，{size}）：{parts}。",
        "worlds_size": "每个可能世界模拟 {residents:,} 名居民",
        "w_robust": "稳健，{n}个可能世界中{k}个{word}（{lo} 至 {hi}）",
        "w_none": "{n}个可能世界中{k}个无明显变化",
        "w_depends": "取决于{what}：≤ {t} 时{below}，高于时{above}",
        "w_jointly": "取决于多项假设的共同作用（{n}个可能世界中{b}个更好、{w}个更差、"
                     "{z}个无明显变化）",
        "w_better": "更好", "w_worse": "更差", "w_none_word": "无明显变化",
        "w_sep": "；", "w_part": "{label}：{phrase}",
        "t_line": "权衡：{summary}；{rest}（{counts}）。",
        "t_gain_exposure": "每10万居民少暴露 {n} 人",
        "t_gain_info": "医生获得的所需信息多 {n} 个百分点",
        "t_cost_exposure": "每10万居民多暴露 {n} 人",
        "t_cost_info": "医生获得的所需信息少 {n} 个百分点",
        "t_worse_exposure": "每10万居民多暴露 {n} 人",
        "t_worse_info": "医生获得的所需信息少 {n} 个百分点",
        "t_at_cost": "{gain}，代价是{cost}",
        "t_no_pair": "信息暴露和医生获得的信息均无明显变化",
        "t_also_worse": "此外在{labels}上更差",
        "t_nothing_else": "其他结果无明显变差",
        "t_none_worse": "没有结果明显变差",
        "t_counts": "{n}项结果中：{b}项更好、{w}项更差、{z}项无明显变化或不确定",
        "t_worse_list": "明显更差：{items}。",
        "t_points": "个百分点",
    },
}

#: a choice named differently for one parameter ((parameter, choice): words)
_PARAM_CHOICES_ZH = {("architecture", "national"): "全国集中存储",
                     ("access_breadth", "national"): "全国范围"}


def tr(key: str, lang: str = "en") -> str:
    """A user-interface string in ``lang`` (English where there is no translation)."""
    return _UI.get(lang, {}).get(key) or _UI["en"][key]


def chart_text(text: str, lang: str = "en") -> str:
    """A chart's words (written in English in the plotting code) in ``lang``."""
    from .charts import CHART_ZH

    return CHART_ZH.get(text, text) if lang == "zh" else text


def outcome_label(name: str, lang: str = "en") -> str:
    """An outcome's label in ``lang``."""
    from ..world.outcomes import OUTCOMES

    return (_OUTCOMES_ZH.get(name) if lang == "zh" else None) or OUTCOMES[name].label


def outcome_definition(name: str, lang: str = "en") -> str:
    """An outcome's one- or two-sentence definition for planners, in ``lang``."""
    from ..world.outcomes import OUTCOMES
    from .outcomes import DEFINITIONS_ZH

    return (DEFINITIONS_ZH.get(name) if lang == "zh" else None) or OUTCOMES[name].definition


def pinned_reason(name: str, params, lang: str = "en") -> str | None:
    """Why outcome ``name`` is fixed by design under ``params``, in ``lang`` (or ``None``).

    The reasons are written in English by the outcomes' ``pinned`` functions; the Chinese
    is looked up by that English text (:data:`sim.i18n.outcomes.PINNED_ZH`).
    """
    from ..world.outcomes import OUTCOMES
    from .outcomes import PINNED_ZH

    why = OUTCOMES[name].pinned_reason(params)
    return (PINNED_ZH.get(why) or why) if (why and lang == "zh") else why


def param_help(name: str, lang: str = "en") -> str:
    """A parameter's one-line help (what it means, where its value comes from) in ``lang``."""
    from ..params import PARAMETERS
    from .params import HELP_ZH

    return (HELP_ZH.get(name) if lang == "zh" else None) or PARAMETERS[name].help


def lever_label(name: str, lang: str = "en") -> str:
    """A parameter's label in ``lang`` (the declared name in words, for English)."""
    if lang == "zh" and name in _LEVERS_ZH:
        return _LEVERS_ZH[name]
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def choice_label(choice: str, lang: str = "en", parameter: str | None = None) -> str:
    """A declared choice of ``parameter`` in plain words in ``lang``.

    Only the words change, never the value.
    """
    if lang == "zh":
        if (parameter, choice) in _PARAM_CHOICES_ZH:
            return _PARAM_CHOICES_ZH[(parameter, choice)]
        if choice in _CHOICES_ZH:
            return _CHOICES_ZH[choice]
    return choice.replace("_break_glass", ", break glass").replace("_", " ")


#: outcome and parameter units in Simplified Chinese (English: the declared unit itself)
_UNITS_ZH = {
    "0-1": "0-1分", "admissions per 1,000 residents": "次住院/千名居民",
    "campaigns (real-world count)": "起行动（全国实际数）", "days": "天",
    "events per 1,000 residents": "起事件/千名居民",
    "harm points per 1,000 residents": "危害分/千名居民",
    "incidents (real-world count)": "起事件（全国实际数）",
    "institution-days (real-world)": "机构·天（全国实际数）", "probability": "概率",
    "records per 1,000 residents": "条记录/千名居民", "share of catalogue fields": "目录字段比例",
    "share of incidents": "事件比例", "share of leaked records": "泄露记录比例",
    "share of needed value": "所需信息比例", "share of residents": "居民比例",
    "system-days": "系统·天", "tests per 1,000 residents": "次检查/千名居民",
    # the parameters' units ("-": none)
    "-": "无单位", "agents": "个主体", "attempts per group per year": "次/团伙/年",
    "attempts per million residents per year": "次/百万居民/年", "counties": "个县区",
    "day": "第几天", "field names": "字段名", "gamma shape": "伽马分布形状参数",
    "groups": "个团伙", "incidents per million residents per year": "起/百万居民/年",
    "log sd": "对数标准差", "log10": "log10", "log10(records)": "log10（记录数）",
    "log10(residents)": "log10（居民数）", "nodes": "个节点", "odds ratio": "比值比",
    "opportunities per million residents per year": "次机会/百万居民/年",
    "per agent per year": "次/主体/年", "per chronic resident per year": "次/慢性病居民/年",
    "per resident per year": "次/居民/年", "persons": "人", "pseudo-observations": "虚拟观测数",
    "pseudo-observations per peer offence": "虚拟观测数/同伙每次作案",
    "pseudo-observations per undetected success": "虚拟观测数/每次未被发现的成功",
    "ratio": "比率", "ratio (pragmatic = 1)": "比率（务实者 = 1）", "records": "条记录",
    "regions": "个地区", "residents": "名居民", "reviews per resident": "次/居民",
    "share": "比例", "trust per unit of index": "信任度/指数单位", "years": "年", "yuan": "元",
    "yuan per records^0.55": "元/记录数^0.55", "yuan per resident": "元/居民", "×": "倍",
}


def unit_label(unit: str, lang: str = "en") -> str:
    """An outcome's or a parameter's unit in ``lang`` (unknown units as declared)."""
    return _UNITS_ZH.get(unit, unit) if lang == "zh" else unit


def verdict_text(key: str, lang: str = "en") -> str:
    """A verdict template or word in ``lang``."""
    return VERDICT.get(lang, VERDICT["en"]).get(key) or VERDICT["en"][key]


#: the groups of residents in Simplified Chinese (provinces: their own Chinese names)
_GROUPS_ZH = {
    "concerned": "重视隐私", "pragmatic": "务实", "unconcerned": "不在意隐私",
    "0-17": "0-17岁", "18-39": "18-39岁", "40-64": "40-64岁", "65+": "65岁及以上",
    "urban": "城镇", "rural": "农村", "smartphone user": "使用智能手机",
    "no smartphone": "不使用智能手机", "at home": "在本地就医", "away from home": "异地就医",
    "all residents": "全体居民",
}


def group_label(dimension: str, group: str, lang: str = "en") -> str:
    """A group of residents' name in ``lang`` (e.g. ``no smartphone`` → 不使用智能手机)."""
    if lang != "zh":
        return group
    if dimension == "region":
        from ..geography import provinces

        p = provinces()
        if group in p.names_en:
            return p.names_zh[p.names_en.index(group)]
    return _GROUPS_ZH.get(group, group)


#: the record fields in Simplified Chinese (English: the name with spaces)
_FIELDS_ZH = {
    "id_number": "身份证号", "name_phone": "姓名和电话", "birth_date": "出生日期",
    "birth_year": "出生年份", "sex": "性别", "county": "县区", "region": "省份",
    "occupation": "职业", "ethnicity": "民族", "marital_status": "婚姻状况",
    "education": "教育程度", "allergies": "过敏史", "medications": "用药记录",
    "chronic_conditions": "慢性病", "blood_type": "血型", "vaccinations": "疫苗接种",
    "test_results": "检验结果", "imaging": "影像检查", "surgery_history": "手术史",
    "mental_health": "精神健康", "infectious_disease": "传染病", "reproductive_health": "生殖健康",
    "genetic_family_history": "遗传和家族史", "smoking": "吸烟", "drinking": "饮酒",
    "exercise": "运动", "diet": "饮食", "sleep": "睡眠", "insurance_claims": "医保结算",
    "payment_transactions": "支付记录", "location_trail": "行程轨迹",
}


def field_label(name: str, lang: str = "en") -> str:
    """A record field's name for people (``test_results`` → test results, 检验结果)."""
    if lang == "zh":
        return _FIELDS_ZH.get(name, name)
    return name.replace("_", " ")


def _merge(*catalogues: dict[str, dict[str, str]]) -> None:
    """Add each area's catalogue to :data:`_UI`; a key defined twice is an error."""
    for catalogue in catalogues:
        for lang, strings in catalogue.items():
            table = _UI.setdefault(lang, {})
            twice = sorted(set(strings) & set(table))
            if twice:
                raise RuntimeError(f"i18n: keys defined in two catalogues: {twice}")
            table.update(strings)


from . import charts, debate, explore, frontier, outcomes, params, report  # noqa: E402

_merge(charts.UI, debate.UI, explore.UI, frontier.UI, outcomes.UI, params.UI, report.UI)
