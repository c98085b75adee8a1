"""The outcomes' definitions and the reasons an outcome is fixed by design, in Chinese.

Labels and units are in :mod:`sim.i18n`; see :func:`sim.i18n.outcome_definition` and
:func:`sim.i18n.pinned_reason`. Parameter and outcome names (``notified_harm_reduction``,
``identified_leak_share``) are written as they are: the planner finds them so in the
parameter panels and the exports.
"""

UI: dict[str, dict[str, str]] = {"en": {}, "zh": {}}

#: each outcome's definition in Simplified Chinese, by outcome name
DEFINITIONS_ZH: dict[str, str] = {
    # privacy risk
    "residents_exposed_rate":
        "模拟期内，至少有一项敏感个人信息（《个人信息保护法》第二十八条所列的医疗健康、金融账户、"
        "行踪轨迹信息）以可再识别的形式暴露给未经授权方（外部入侵、内部人员、超范围使用）的居民比例。",
    "records_exposed":
        "所有事件中暴露的居民记录数（同一居民卷入两起事件计两次），无论能否再识别，"
        "按每千名模拟居民计。",
    "harm_per_1000":
        "每位居民以可再识别形式暴露的各个不同字段的敏感度权重之和，对全体居民加总后按每千名居民计；"
        "已收到泄露通知的居民，其标识符和金融信息造成的危害按 notified_harm_reduction 减轻。",
    "reidentification_risk":
        "针对不带直接标识符的泄露记录（来自假名化或去标识化的数据流）：按记录所含的准标识符，"
        "在实际泄露的记录集合内计算的检察官模型风险（J/n，即 1/等价类大小 的平均值）；"
        "一次泄露 n_real 条记录时，概率为 p 的等价类中的每条记录按 κ(n_real, p) 估计。"
        "若泄露记录全都带直接标识符，则没有数值：此时按设计必然可再识别"
        "（见 identified_leak_share）。",
    "marketer_risk":
        "针对不带直接标识符的泄露记录：在所代表的人口中能被正确匹配到本人的预期比例"
        "（按其准标识符计算的平均正确匹配概率κ）。若泄露记录全都带直接标识符，则没有数值。",
    "journalist_records_at_risk":
        "记者模型下的“高风险记录”比例，阈值 τ = 0.09（欧洲药品管理局和加拿大卫生部采用的标准），"
        "针对不带直接标识符的泄露记录：其在所代表人口中的等价类小于 1/τ"
        "（预期大小为 1 + (N-1)p）的记录所占比例。若泄露记录全都带直接标识符，则没有数值。",
    "quasi_identifier_risk":
        "假如去掉姓名和身份证号，仅凭准标识符（出生日期或年份、性别、县区或省份、职业、民族、"
        "婚姻状况、教育程度、行程轨迹），全部泄露记录的平均正确匹配概率κ：衡量所采集的信息本身"
        "有多强的识别性，与身份标识的设计无关；没有泄露时为0。",
    "identified_leak_share":
        "泄露记录中带直接标识符（身份证号、姓名和电话）、因而无需再识别的记录所占比例。"
        "各机构自有的记录总带直接标识符；只有假名化的共享存储才会泄露不带直接标识符的记录。"
        "没有泄露时为0。",
    "mean_dossier_completeness":
        "模拟结束时，各数据经纪商关联汇集的关于某位居民的最完整档案覆盖字段目录的比例，"
        "对全体居民取平均（没有档案的居民计为0）。",
    "dossier_over_half_rate":
        "有数据经纪商已关联汇集到本方案所采集字段一半以上的居民所占比例。",
    "max_dossier_completeness":
        "模拟结束时，任一数据经纪商关于任何一位居民关联汇集的字段占字段目录的最大比例。"
        "模拟一年后它就会达到本方案采集的全部字段；档案一般有多完整，见 "
        "mean_dossier_completeness。",
    "breaches":
        "模拟期内，所代表人口范围内成功的外部入侵（数据窃取、勒索软件、情景设定的冲击事件）起数。",
    "insider_incidents":
        "所代表人口范围内内部人员窥探记录和倒卖记录的事件起数。",
    "loss_theft_incidents":
        "所代表人口范围内记录丢失、被盗或处置不当（笔记本电脑、存储设备、纸质文件）的事件起数："
        "这些是意外而非攻击；没有哪项政策杠杆能改变其多少，静态加密决定它们会暴露什么。",
    "function_creep_incidents":
        "二次使用方超出原定目的使用数据的行动起数（包括被阻止的）。",
    # clinical utility and other
    "detected_share":
        "模拟结束时已被发现的事件占全部事件的比例（没有事件时没有数值）。",
    "mean_days_to_detect":
        "已被发现的事件从发生到被发现的平均天数（没有事件被发现时没有数值）。",
    "utility_rate":
        "就诊时医生获得的临床所需信息占全部所需信息的比例，每个字段按其对该类就诊的临床价值加权。"
        "本机构自有的记录总能读到；共享记录只有在医生去调阅（shared_lookup_probability）"
        "且方案允许时才能读到。只计记录：急诊时患者口述的信息计入 emergency_info_rate，"
        "不计入此处。",
    "emergency_info_rate":
        "在户籍省份以外急诊时，医生掌握的临床所需信息占全部所需信息的比例，按临床价值加权："
        "包括能打开的记录提供的信息，以及意识清醒的患者（或亲属）以 patient_history_complete "
        "的概率口述的信息（只有病史，不含检验结果和影像；患者无法表达时为零）。",
    "adverse_events_averted":
        "与完全没有电子记录相比，在能获得用药史（本机构的或共享的）的慢病随访和急诊中，"
        "预计避免的可能造成伤害的用药史差错数：差错率 × 有临床意义的比例 ×"
        "（1 − 药物重整的相对风险）。该相对风险是按每种药物测得的，按每次就诊套用属于偏高的估计。",
    "duplicate_tests_avoided":
        "因收到并使用了其他机构的既往结果而避免的重复检验或影像检查，按模拟事件计数："
        "每次这样的就诊中，一次随机抽取同时决定没有这些结果时是否会重复检查"
        "（repeat_test_rate），以及有了这些结果后是否仍会重复（按 repeat_test_odds_ratio "
        "调整后的比率）。其期望值由这两个输入决定：模型决定的只是哪些就诊用上了共享结果。",
    "admissions_avoided":
        "在用上了其他机构共享信息的急诊中避免的住院，按模拟事件计数：每次这样的急诊中，"
        "一次随机抽取同时决定原本是否会住院（ed_admission_rate），以及用上共享信息后是否仍会住院"
        "（按 hie_admission_odds_ratio 调整后的比率）。其期望值由这两个输入决定："
        "模型决定的只是哪些急诊用上了共享信息。",
    "downtime_days":
        "勒索软件攻击后各机构系统停机的天数，对所代表国家的全部实际机构加总。",
    "shared_system_downtime_days":
        "勒索软件攻击后实际共享系统（各级平台、记录定位服务、紧急调阅服务、省级疾控中心、"
        "医保基金、支付平台）停机的天数，对全部实际系统加总。",
    "participation_rate":
        "记录可被共享（同意参与）的居民比例，对模拟期内各天取平均。",
    "mean_trust":
        "模拟最后一天居民对该系统的平均信任度。",
    "withholding_rate":
        "模拟最后一天向医生隐瞒敏感信息的居民比例。",
}

#: why an outcome is fixed by design, in Simplified Chinese, keyed by the English reason
#: (the ``pinned`` functions of :mod:`sim.world.outcomes`, and the consent models'
#: ``fixed_participation`` after their name, :mod:`sim.world.consent`)
PINNED_ZH: dict[str, str] = {
    "every record carries the ID-card number (master index): re-identification is certain "
    "by design, not measured":
        "每条记录都带身份证号（主索引）：按设计必然可再识别，不是测量得出的",
    "over a year some resident's dossier holds everything collected: this is the collection "
    "scope, not a risk measure":
        "模拟一年后，总有居民的档案包含所采集的全部信息：这反映的是采集范围，不是风险度量",
    "accidents happen whatever the policy; encryption at rest decides whether a lost device "
    "exposes anyone (see records_exposed)":
        "无论采用何种政策，意外都会发生；丢失的设备是否使人信息暴露，取决于静态加密"
        "（见 records_exposed）",
    "implied consent: nobody can leave, so participation is 1 by design; residents respond "
    "by withholding information from clinicians (withholding_rate)":
        "默示同意：无人能够退出，因此参与率按设计为1；居民的应对方式是向医生隐瞒信息"
        "（withholding_rate）",
    "granular consent: residents hide categories of fields rather than leave, so "
    "participation is 1 by design":
        "分项同意：居民隐藏某些类别的字段而不是退出，因此参与率按设计为1",
    "per access consent: residents decide at each encounter whether to show their code, not "
    "whether to take part, so participation is 1 by design":
        "每次访问同意：居民在每次就诊时决定是否出示健康码，而不是决定是否参与，"
        "因此参与率按设计为1",
    "per access break glass consent: residents decide at each encounter whether to show "
    "their code, not whether to take part, so participation is 1 by design":
        "每次访问同意（紧急时可破例调阅）：居民在每次就诊时决定是否出示健康码，"
        "而不是决定是否参与，因此参与率按设计为1",
}
