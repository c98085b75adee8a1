"""Text drawn into the charts, and the names of the group dimensions, in English and Chinese.

A chart's words are written in English in :mod:`sim.dashboards.plots` and looked up here
(:data:`CHART_ZH`, keyed by the English text) by :func:`sim.i18n.chart_text`.
"""

UI: dict[str, dict[str, str]] = {"en": {}, "zh": {}}

#: how each group dimension is named for planners
DIMENSIONS = {"attitude": "Privacy attitude", "age_band": "Age", "region": "Home province",
              "settlement": "Town or country", "smartphone": "Smartphone",
              "care_location": "Where care happens"}
#: the same in Simplified Chinese
DIMENSIONS_ZH = {"attitude": "隐私态度", "age_band": "年龄", "region": "户籍省份",
                 "settlement": "城乡", "smartphone": "智能手机", "care_location": "就医地点"}

#: the charts' own words in Simplified Chinese (English: the key itself)
CHART_ZH = {
    "baseline": "基准", "reform": "改革",
    "privacy risk: residents exposed per 100,000 (95% interval)":
        "隐私风险：每10万居民中遭泄露人数（95%区间）",
    "clinical information delivered (% of what is needed)": "提供的诊疗信息（占所需的%）",
    "change, reform vs baseline (% of baseline; 95% interval)":
        "改革相对基准的变化（占基准的%；95%区间）",
    "baseline 0": "基准为0",
    "residents exposed per 100,000 (reform − baseline)": "每10万居民中遭泄露人数（改革−基准）",
    "information delivered, percentage points (reform − baseline)":
        "提供的诊疗信息，百分点（改革−基准）",
    "no group results": "无分组结果", "no per-resident results": "无逐个居民结果",
    "All residents": "全体居民",
    "privacy: % spared an exposure (green) or newly exposed (red)":
        "隐私：免于泄露（绿）或新遭泄露（红）的比例",
    "clinical information: % with ≥5 points more (green) or less (red)":
        "诊疗信息：至少多（绿）或少（红）5个百分点的比例",
    "Residents better and worse off under the reform (the same residents in both arms)":
        "改革后境况变好与变差的居民（两种政策下为同一批居民）",
    "day": "天", "worlds, in order of the change": "各情景世界（按变化排序）",
    "reform − baseline, % of baseline": "改革−基准，占基准的%",
    "better": "更好", "worse": "更差", "higher": "更高", "lower": "更低",
    "no clear change": "无明确变化",
    # the daily series
    "residents exposed rate": "居民泄露比例", "utility rate": "诊疗信息比例",
    "participation rate": "参与比例", "mean trust": "平均信任度", "breaches": "数据泄露",
    "emergency info rate": "急诊信息比例", "withholding rate": "隐瞒信息比例",
    "share of residents (cumulative)": "居民比例（累计）", "share of needed value": "所需信息比例",
    "share of residents": "居民比例", "0-1": "0-1", "incidents": "起事件",
    # the frontier (sim.pareto.plot_frontier) and the sensitivity ranking
    "dominated policy (another is better on both)": "被超越的政策（另有政策两方面都更好）",
    "policy on the frontier (joined by the line)": "位于前沿的政策（以线相连）",
    "on the frontier in ≥90% of plausible worlds": "在至少90%的可能情景中位于前沿",
    "{label} ({unit}) - lower is better": "{label}（{unit}）——越低越好",
    "{label} ({unit}) - higher is better": "{label}（{unit}）——越高越好",
    "Privacy risk against clinical utility (means, 95% intervals)":
        "隐私风险与临床效用（均值，95%区间）",
    "total-order Sobol index": "总效应敏感性指数（索博尔法）",
    "Morris μ*": "平均绝对基本效应 μ*（莫里斯法）",
}


