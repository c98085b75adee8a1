"""Strings of the downloadable brief and report, and of the Compare tab's status lines.

In English and Simplified Chinese, merged into :func:`sim.i18n.tr`'s table; English is the
reference (the English texts are those the app showed before it had a second language).
"""

UI: dict[str, dict[str, str]] = {
    "en": {
        # the Compare tab: messages, downloads, status lines
        "rp_link_refused": "link not opened: {why}",
        "rp_link_unknown": "{field}: unknown scenario {value!r}; allowed: {allowed}",
        "rp_link_not_value": "{key}: {text!r} is not a value",
        "rp_link_not_input": "{key}: not an input of this app",
        "rp_link_not_offered": "{key}: {value} is not offered; allowed: {allowed}",
        "rp_link_range": "{key}: {value} is out of range; allowed: {low} to {high}",
        "rp_upload_refused": "{file} not opened: {why}",
        "rp_upload_not_text": "not a UTF-8 text file (a scenario is YAML text)",
        "rp_upload_opened": "opened {file}: {name}",
        "rp_uploaded": "{name} (uploaded)",
        "rp_edited": " (edited)", "rp_as_reform": " (reform)",
        "rp_not_run": "not run: {why}",
        "rp_cancelled_nothing": "Cancelled: nothing shown.",
        "rp_failed": "The comparison failed: {why}",
        "rp_reps_failed": "{failed} of {total} replications failed, so there is no verdict. "
                          "First error: {error}",
        "rp_provisional": "provisional: {done} of {total} replications so far; intervals "
                          "will narrow",
        "rp_worlds_failed": "The robustness stage failed: {why}. The verdict above shows "
                            "replication noise at the assumed values only.",
        "rp_worlds_failed_status": "done; the robustness stage failed",
        "rp_worlds_done": "done: replications and {n} plausible worlds ({runs} runs in "
                          "{s:.1f} s{failed})",
        "rp_worlds_failed_runs": ", {n} failed",
        "rp_about_s": ", about {s:.0f} s",
        "rp_seconds": "about {n:.0f} s", "rp_minutes": "about {n:.0f} minutes",
        "rp_of_machine": " of this machine's {gb:.0f} GB",
        "rp_close": ")",
        "rp_status_error": "error: {why}",
        "rp_dl_brief": "⬇ One-page brief (HTML)", "rp_dl_report": "⬇ Full report (HTML)",
        "rp_dl_yaml": "⬇ Reform scenario (YAML: loads anywhere, reruns the same)",
        # figure titles (the report's headings and the images' alt text)
        "rp_fig_tradeoff": "Risk and clinical information, baseline and reform",
        "rp_fig_groups": "Who bears the risk, who gains",
        "rp_fig_differences": "Every outcome, reform vs baseline",
        "rp_fig_daily": "Daily series", "rp_fig_winners": "Residents better and worse off",
        "rp_fig_worlds": "Across the plausible worlds",
        # the runner's messages a planner can see
        "rp_worker_stopped": "a worker process stopped",
        "rp_workers_stopped": "worker processes stopped {n} times",
        "rp_repeated": "; {n} run{s} repeated, so this took longer",
        "rp_replaced": "{who} (killed, or out of memory) and was replaced{again}",
        # notes: why an outcome is not compared
        # the differences and group tables
        "rp_no_groups": "No group results.",
        "rp_g_group": "group",
        "rp_g_exposed": "residents exposed per 100,000",
        "rp_g_info": "information delivered, percentage points",
        # the robustness table
        "rp_r_outcome": "outcome", "rp_r_across": "across the worlds",
        "rp_r_counts": "worlds better / worse / no clear change",
        "rp_r_spread": "change, 5-95% of worlds", "rp_r_decided": "decided by",
        "rp_r_words": "in words",
        "rp_r_robust": "robust: {change}", "rp_r_depends_on": "depends on {what}",
        "rp_r_depends_several": "depends on several",
        "rp_r_none": "no clear change", "rp_r_not_compared": "not compared",
        "rp_r_better": "better", "rp_r_worse": "worse",
        "rp_r_higher": "higher", "rp_r_lower": "lower",
        "rp_r_to": "{a} to {b}",
        "rp_r_world": "A world is a draw of every uncertain assumption from its plausible "
                      "range; both policies run in it on the same seeds.",
        "rp_r_noted": "{n} outcomes not compared, and why",
        # the report
        "rp_title": "Comparison: {a} vs {b}",
        "rp_h1": "Baseline versus reform",
        "rp_baseline": "Baseline", "rp_reform": "Reform",
        "rp_the_baseline": "the baseline ({name})", "rp_the_reform": "The reform ({name})",
        "rp_paired": "Both arms ran on the same {reps} replication seeds (master seed\n{seed}; "
                     "common random numbers), {residents:,} simulated residents standing\nfor "
                     "{real:,.0f}, {days} days. Intervals are 95% t-intervals of the\npaired "
                     "differences. Counts of incidents are real-world counts for the "
                     "represented\npopulation; other counts are per 1,000 simulated residents.",
        "rp_h_all": "All outcomes",
        "rp_h_sure": "How sure: across the plausible worlds",
        "rp_h_changes": "What the reform changes",
        "rp_p_parameter": "parameter", "rp_p_baseline": "baseline", "rp_p_reform": "reform",
        "rp_nothing": "nothing",
        "rp_h_groups": "Who bears the risk, who gains",
        "rp_groups_note": "Change for each group of residents, reform − baseline, with 95% "
                          "intervals.",
        "rp_h_figures": "Figures", "rp_h_provenance": "Provenance",
        "rp_provenance": "healthcode-workbench {version}; generated {when}; baseline "
                         "parameters\nsha256 {sha_a}; reform parameters sha256 {sha_b}. Re-run "
                         "with",
        "rp_no_worlds": "<b>The robustness stage did not run</b>: every interval above is "
                        "replication noise at one set of assumed values.",
        # the brief
        "rp_brief_title": "Brief: {b} against {a}",
        "rp_against": "{b} against {a}",
        "rp_chart_alt": "risk and clinical information, baseline and reform",
        "rp_brief_no_worlds": "<b>The robustness stage did not run</b>: the intervals show "
                              "replication noise at one set of assumed values only, not what "
                              "we do not know. Rerun with plausible worlds before relying on "
                              "this.",
        "rp_h_key": "Key assumptions", "rp_h_caveats": "Caveats",
        "rp_h_reproduce": "How to reproduce",
        "rp_plausible": "plausible {range}: {source}",
        "rp_plausible_meaning": "plausible {range}. Meaning: {meaning} (the range's evidence: "
                                "docs/uncertainty.md)",
        "rp_meaning": "Meaning: {meaning} (the evidence: docs/uncertainty.md)",
        "rp_reform_value": " (reform: {value})",
        "rp_caveats": "A model, not a forecast: read the differences between the two "
                      "policies, with\ntheir 95% intervals over {reps} paired replications, "
                      "before absolute levels.\nBreach generation is calibrated to U.S. "
                      "breach-portal data scaled to the represented\npopulation; the national "
                      "stores of a plan are the model's prediction. {residents:,}\nsimulated "
                      "residents stand for {real:,.0f}; {days} days.",
        "rp_reproduce": "with the downloaded reform scenario\n(healthcode-workbench {version}; "
                        "reform parameters sha256 {sha}).",
        "rp_rerun_files": "<baseline file> <reform file>",
        # a robustness summary (sim.experiments.robustness writes the English one itself)
    },
    "zh": {
        "rp_link_refused": "链接未打开：{why}",
        "rp_link_unknown": "{field}：未知情景 {value!r}；可选：{allowed}",
        "rp_link_not_value": "{key}：{text!r} 不是有效的值",
        "rp_link_not_input": "{key}：不是本工作台的输入",
        "rp_link_not_offered": "{key}：不提供 {value}；可选：{allowed}",
        "rp_link_range": "{key}：{value} 超出范围；允许 {low} 至 {high}",
        "rp_upload_refused": "{file} 未打开：{why}",
        "rp_upload_not_text": "不是 UTF-8 文本文件（情景文件应为 YAML 文本）",
        "rp_upload_opened": "已打开 {file}：{name}",
        "rp_uploaded": "{name}（已上传）",
        "rp_edited": "（已修改）", "rp_as_reform": "（改革方案）",
        "rp_not_run": "未运行：{why}",
        "rp_cancelled_nothing": "已取消：未显示任何结果。",
        "rp_failed": "比较失败：{why}",
        "rp_reps_failed": "{total}次重复运行中有{failed}次失败，因此不给出结论。"
                          "第一个错误：{error}",
        "rp_provisional": "初步结果：目前已完成{done}/{total}次重复运行；区间还会收窄",
        "rp_worlds_failed": "稳健性检验失败：{why}。上面的结论只反映在假定参数下的重复运行噪声。",
        "rp_worlds_failed_status": "完成；稳健性检验失败",
        "rp_worlds_done": "完成：重复运行及{n}个可能世界（{runs}次运行，用时{s:.1f}秒{failed}）",
        "rp_worlds_failed_runs": "，{n}次失败",
        "rp_about_s": "，约{s:.0f}秒",
        "rp_seconds": "约{n:.0f}秒", "rp_minutes": "约{n:.0f}分钟",
        "rp_of_machine": "（本机共{gb:.0f} GB）",
        "rp_close": "）",
        "rp_status_error": "错误：{why}",
        "rp_dl_brief": "⬇ 一页简报（HTML）", "rp_dl_report": "⬇ 完整报告（HTML）",
        "rp_dl_yaml": "⬇ 改革方案情景文件（YAML：可在任何地方加载，重新运行结果相同）",
        "rp_fig_tradeoff": "基线与改革方案的隐私风险和诊疗信息",
        "rp_fig_groups": "谁承担风险，谁受益",
        "rp_fig_differences": "全部结果指标：改革方案相对基线",
        "rp_fig_daily": "逐日序列", "rp_fig_winners": "境况变好与变差的居民",
        "rp_fig_worlds": "在各种可能世界中",
        "rp_worker_stopped": "一个工作进程意外停止",
        "rp_workers_stopped": "工作进程意外停止{n}次",
        "rp_repeated": "；{n}次运行已重做，因此耗时更长",
        "rp_replaced": "{who}（被终止或内存不足），已替换{again}",
        "rp_no_groups": "无分组结果。",
        "rp_g_group": "群体",
        "rp_g_exposed": "每10万居民中信息暴露的人数",
        "rp_g_info": "提供的诊疗信息（个百分点）",
        "rp_r_outcome": "结果指标", "rp_r_across": "在各可能世界中",
        "rp_r_counts": "更好 / 更差 / 无明显变化的可能世界数",
        "rp_r_spread": "变化（5%-95%的可能世界）", "rp_r_decided": "决定因素",
        "rp_r_words": "说明",
        "rp_r_robust": "稳健：{change}", "rp_r_depends_on": "取决于{what}",
        "rp_r_depends_several": "取决于多个假设",
        "rp_r_none": "无明显变化", "rp_r_not_compared": "未比较",
        "rp_r_better": "更好", "rp_r_worse": "更差",
        "rp_r_higher": "更高", "rp_r_lower": "更低",
        "rp_r_to": "{a} 至 {b}",
        "rp_r_world": "每个可能世界是把每个不确定假设在其合理范围内各抽取一次；"
                      "两种政策在同一可能世界中使用相同的随机种子运行。",
        "rp_r_noted": "{n}项结果未比较及原因",
        "rp_title": "比较：{a} 对比 {b}",
        "rp_h1": "基线与改革方案",
        "rp_baseline": "基线", "rp_reform": "改革方案",
        "rp_the_baseline": "基线（{name}）", "rp_the_reform": "改革方案（{name}）",
        "rp_paired": "两种政策使用相同的{reps}个重复运行种子（主种子{seed}；共同随机数），"
                     "模拟居民{residents:,}人，代表{real:,.0f}人，{days}天。区间为配对差值的"
                     "95% t区间。事件数为所代表人口的全国实际数；其他计数按每千名模拟居民计。",
        "rp_h_all": "全部结果指标",
        "rp_h_sure": "结论有多可靠：在各种可能世界中检验",
        "rp_h_changes": "改革方案改变了什么",
        "rp_p_parameter": "参数", "rp_p_baseline": "基线", "rp_p_reform": "改革方案",
        "rp_nothing": "无",
        "rp_h_groups": "谁承担风险，谁受益",
        "rp_groups_note": "各居民群体的变化（改革方案 − 基线），附95%区间。",
        "rp_h_figures": "图表", "rp_h_provenance": "来源与复现信息",
        "rp_provenance": "健康数据政策工作台 {version} 版；生成于 {when}；基线参数 sha256 "
                         "{sha_a}；改革方案参数 sha256 {sha_b}。重新运行命令：",
        "rp_no_worlds": "<b>未进行稳健性检验</b>：上面的每个区间都只是在一组假定参数下的"
                        "重复运行噪声。",
        "rp_brief_title": "简报：{b} 对比 {a}",
        "rp_against": "{b} 对比 {a}",
        "rp_chart_alt": "基线与改革方案的隐私风险和诊疗信息",
        "rp_brief_no_worlds": "<b>未进行稳健性检验</b>：区间只反映在一组假定参数下的重复运行"
                              "噪声，不反映我们未知的因素。依据本结果决策前，请在可能世界中"
                              "重新运行。",
        "rp_h_key": "关键假设", "rp_h_caveats": "注意事项",
        "rp_h_reproduce": "如何复现",
        "rp_plausible": "合理范围 {range}：{source}",
        "rp_plausible_meaning": "合理范围 {range}。含义：{meaning}（该范围的依据见英文文档 "
                                "docs/uncertainty.md）",
        "rp_meaning": "含义：{meaning}（依据见英文文档 docs/uncertainty.md）",
        "rp_reform_value": "（改革方案：{value}）",
        "rp_caveats": "这是模型，不是预测：请先看两种政策之间的差异及其基于{reps}次配对重复运行的"
                      "95%区间，再看绝对水平。数据泄露的发生频率按美国数据泄露通报平台的数据"
                      "校准，并按所代表的人口缩放；方案中的全国性数据库是模型的推演。"
                      "模拟居民{residents:,}人，代表{real:,.0f}人；{days}天。",
        "rp_reproduce": "（使用下载的改革方案情景文件；健康数据政策工作台 {version} 版；"
                        "改革方案参数 sha256 {sha}）。",
        "rp_rerun_files": "<基线文件> <改革方案文件>",
    },
}


#: the bundled scenarios' descriptions in Simplified Chinese, by scenario name
SCENARIOS_ZH = {
    "breach_shock": "2025年方案，并在第90天强制发生一次最大数据库的泄露。",
    "federated_pseudonymous": "在各医疗机构的记录上联邦查询，分领域假名，选择退出同意，"
                              "仅诊疗团队可访问，临床范围采集；其余同2025年方案。",
    "minimal_collection": "2025年方案，按《个人信息保护法》最少必要原则采集。",
    "national_plan_2025": "全国平台，以身份证号为主索引，扩展采集，默示同意，健康码、医保码和支付码"
                          "整合，全国范围访问，终身保存。",
    "on_device_consent": "记录存于居民手机，每次访问时出示（“亮码”），提供紧急时可破例调阅的急诊"
                         "摘要服务；其余同2025年方案。",
    "status_quo": "各机构分散存储，临床范围采集，默示同意，身份证号仅在本地使用，健康码未与医保"
                  "或支付整合。",
    "strong_enforcement": "2025年方案，加上有力的早期预警、目的限定、加密和执法。",
}

#: messages the model and the runner write in English, in Simplified Chinese (exact text)
MESSAGES_ZH = {
    "these runs kept no per-resident outcomes: compare with residents=True to count winners "
    "and losers": "这些运行未保留逐个居民的结果，无法统计境况变好与变差的居民。",
    "the two arms do not have the same residents (other seeds or population sizes): they "
    "cannot be compared resident by resident":
        "两种政策下的居民不是同一批（随机种子或人口规模不同），无法逐个居民比较。",
    "the two arms' residents are not the same people (a population assumption differs): "
    "they cannot be compared resident by resident":
        "两种政策下的居民不是同一批人（某项人口假设不同），无法逐个居民比较。",
    "the runner was closed while running": "运行器在运行过程中被关闭",
    "cancelled": "已取消",
}

#: messages with values in them: (regular expression on the English, Chinese with {1}, {2}…)
PATTERNS_ZH = (
    (r"worker processes died (\d+) times during this run \((.+) replication (\d+) was lost "
     r"each time\); try fewer simulated residents",
     "工作进程在本次运行中{1}次意外终止（{2}的第{3}次重复运行每次都丢失）；请减少模拟居民数"),
    (r"the shared cluster could not run (.+) replication (\d+) \((.*)\); try again, or fewer "
     r"simulated residents",
     "共享集群未能完成{1}的第{2}次重复运行（{3}）；请重试，或减少模拟居民数"),
    (r"(\S+): cannot reach a Dask scheduler at (.+?) \((.*)\); start one with "
     r"'dask scheduler' or drop \S+",
     "{1}：无法连接位于 {2} 的 Dask 调度器（{3}）；请先启动调度器，或取消 {1} 设置"),
    (r"(\S+): the Dask scheduler at (.+) has no workers after (\S+) s; start one with "
     r"'dask worker .+' or drop \S+",
     "{1}：位于 {2} 的 Dask 调度器在{3}秒后仍没有工作进程；请先启动工作进程，或取消 {1} 设置"),
)
