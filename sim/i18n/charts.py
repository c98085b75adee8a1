"""Text drawn into the charts, and the names of the group dimensions, in English and Chinese.

A chart's words are written in English in :mod:`sim.app.dashboards.plots` and looked up here
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
    "baseline": "基线", "reform": "改革方案",
    "privacy risk: residents exposed per 100,000 (95% interval)":
        "隐私风险：每10万居民中信息暴露的人数（95%区间）",
    "clinical information delivered (% of what is needed)": "提供的诊疗信息（占所需的%）",
    "change, reform vs baseline (% of baseline; 95% interval)":
        "改革方案相对基线的变化（占基线的%；95%区间）",
    "baseline 0": "基线为0",
    "residents exposed per 100,000 (reform − baseline)":
        "每10万居民中信息暴露的人数（改革方案−基线）",
    "information delivered, percentage points (reform − baseline)":
        "提供的诊疗信息，百分点（改革方案−基线）",
    "no group results": "无分组结果", "no per-resident results": "无逐个居民结果",
    "All residents": "全体居民",
    "privacy: % spared an exposure (green) or newly exposed (red)":
        "隐私：免于信息暴露（绿）或新遭信息暴露（红）的比例",
    "clinical information: % with ≥5 points more (green) or less (red)":
        "诊疗信息：至少多（绿）或少（红）5个百分点的比例",
    "Residents better and worse off under the reform (the same residents in both arms)":
        "改革后境况变好与变差的居民（两种政策下为同一批居民）",
    "day": "天", "worlds, in order of the change": "各可能世界（按变化排序）",
    "reform − baseline, % of baseline": "改革方案−基线，占基线的%",
    "better": "更好", "worse": "更差", "higher": "更高", "lower": "更低",
    "no clear change": "无明显变化",
    # the daily series
    "residents exposed rate": "信息暴露的居民比例", "utility rate": "临床效用（所需信息比例）",
    "participation rate": "参与率", "mean trust": "平均信任度", "breaches": "外部入侵",
    "emergency info rate": "异地急诊时可获得的信息", "withholding rate": "向医生隐瞒信息的居民比例",
    "share of residents (cumulative)": "居民比例（累计）", "share of needed value": "所需信息比例",
    "share of residents": "居民比例", "0-1": "0-1", "incidents": "起事件",
    # the other daily series and their units (sim.world.model.DAILY_SERIES)
    "encounters": "就诊次数", "insider incidents": "内部人员事件",
    "function creep incidents": "超范围使用行动", "records exposed": "暴露的记录",
    "detected": "被发现的事件", "institutions down": "停机机构", "consent reviews": "重新考虑同意",
    "share of needed value (emergencies away from home)": "所需信息比例（异地急诊）",
    "campaigns": "起行动", "records per 1,000 residents": "条记录/千名居民",
    "incidents detected": "起被发现的事件", "real institutions down": "停机的实际机构数",
    "residents": "居民人数",
    # the institution network (plot_network)
    "Data-sharing network: {architecture} architecture (one run: {run})":
        "数据共享网络：“{architecture}”架构（单次运行：{run}）",
    "seed {seed}": "随机种子{seed}",
    "exposed simulated residents ({k} of {n})": "使模拟居民信息暴露的机构（{n}个中的{k}个）",
    "flow: {flow}": "数据流：{flow}",
    "tertiary hospital": "三级医院", "secondary hospital": "二级医院",
    "community clinic": "基层医疗机构", "public health": "疾控机构",
    "insurance bureau": "医保部门", "payment platform": "支付平台",
    "regional platform": "区域平台", "regional platforms": "区域平台",
    "national platform": "全国平台", "record locator": "记录定位服务",
    "break glass service": "紧急调阅服务", "residents' phones": "居民手机",
    "upload": "上传", "access": "调阅", "index": "索引登记", "disease report": "疾病报告",
    "claims": "医保结算", "integration": "码整合", "emergency summary": "急诊摘要",
    # the frontier (sim.analysis.pareto.plot_frontier) and the sensitivity ranking
    "dominated policy (another is better on both)": "被超越的政策（另有政策两方面都更好）",
    "policy on the frontier (joined by the line)": "位于前沿的政策（以线相连）",
    "on the frontier in ≥90% of plausible worlds": "在至少90%的可能世界中位于前沿",
    "{label} ({unit}) - lower is better": "{label}（{unit}）——越低越好",
    "{label} ({unit}) - higher is better": "{label}（{unit}）——越高越好",
    "Privacy risk against clinical utility (means, 95% intervals)":
        "隐私风险与临床效用（均值，95%区间）",
    "total-order Sobol index": "总效应敏感性指数（索博尔法）",
    "Morris μ*": "平均绝对基本效应 μ*（莫里斯法）",
}


