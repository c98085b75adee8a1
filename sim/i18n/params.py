"""Strings of the parameter panels: lever groups, each lever's and assumption's help.

In English and Simplified Chinese, merged into :func:`sim.i18n.tr`'s table; English is
the reference (the group titles are :data:`sim.params.GROUPS`' own, the help lines each
parameter's ``help``, looked up by :func:`sim.i18n.param_help`).
"""

from ..params import GROUPS

UI: dict[str, dict[str, str]] = {
    "en": {
        **{f"pm_group_{group}": title for group, title in GROUPS},
        "pm_assumptions": "Assumptions (uncertainties)",
        "pm_tooltip": "{help} ({unit})", "pm_unit": " [{unit}]",
        "pm_collects": "<b>{scope}</b> collects: {fields}",
        "pm_chosen_below": "the fields chosen below", "pm_field_sep": ", ",
    },
    "zh": {
        "pm_group_collection": "采集", "pm_group_consent": "同意",
        "pm_group_architecture": "架构与身份标识", "pm_group_security": "安全",
        "pm_group_enforcement": "执法", "pm_group_population": "居民（假设）",
        "pm_group_care": "诊疗与临床效果（假设）", "pm_group_threats": "攻击者（假设）",
        "pm_group_institutions": "机构（假设）", "pm_group_shock": "冲击事件（假设）",
        "pm_group_run": "运行设置",
        "pm_assumptions": "假设（不确定参数）",
        "pm_tooltip": "{help}（{unit}）", "pm_unit": "［{unit}］",
        "pm_collects": "<b>{scope}</b>采集：{fields}",
        "pm_chosen_below": "下方所选字段", "pm_field_sep": "、",
    },
}

#: each parameter's help in Simplified Chinese, by parameter name (see :func:`sim.i18n.param_help`)
HELP_ZH: dict[str, str] = {
    # ------------------------------------------------------------------ levers
    "collection_scope": "各机构采集哪些字段：最少必要（诊疗所需信息和粗略的人口学信息）、临床、"
                        "扩展（另加婚姻、民族、职业、教育程度、生活方式）、最大（再加支付记录和行程"
                        "轨迹）；“自定义”采集下方“采集字段”中所选的字段。",
    "collection_fields": "明确列出的采集字段，仅在采集范围为“自定义”时使用。",
    "retention_days": "居民最后一次就诊后记录保存多久（36,500天即终身保存）。",
    "consent_model": "由谁决定是否共享居民的数据：默示同意、选择退出、选择加入、按字段分项同意、"
                     "每次访问亮码同意（可设或不设紧急破例调阅）。",
    "architecture": "共享记录存放在哪里：各机构分散存储、区域或全国平台、联邦查询，或存于居民手机。"
                    "",
    "identity": "跨领域关联的键：以身份证号为主索引，或每个领域使用单独的假名（令牌化关联）。",
    "code_integration": "健康码是否与医保结算码、金融支付码合并（“一码多用”）。",
    "access_breadth": "工作人员在没有诊疗关系时可以打开谁的记录：仅限其诊治的患者、本机构的任何人、"
                      "本区域的任何人，或全国任何人。",
    "audit_strength": "访问审计：工作人员或二次使用者无正当理由的访问最终被发现的概率"
                      "（×（0.5 + 目的限定））；可威慑内部人员和超范围使用。外部入侵是否被发现"
                      "由“外部入侵被发现的概率”决定。",
    "purpose_binding": "超出声明用途的查询被拦截的概率（也是无法解释的访问在审计中显现的概率）。",
    "encryption_at_rest": "存储的记录经过加密；被盗副本在密钥未同时被盗时无法使用。不能阻止内部人员"
                          "。",
    "breach_notification": "发现泄露后：不通知任何人、通知受影响的居民，或公开通报。",
    "enforcement_probability": "被发现的违法者受到处罚的概率。",
    "penalty_yuan": "每起受处罚违法行为的罚款金额。",
    # ------------------------------------------------------------- residents
    "share_concerned": "持“重视隐私”态度的居民比例。",
    "share_unconcerned": "“不在意隐私”的居民比例（其余为务实型）。",
    "trust_concerned": "重视隐私的居民对系统的初始信任度。",
    "trust_pragmatic": "务实型居民的初始信任度。",
    "trust_unconcerned": "不在意隐私的居民的初始信任度。",
    "response_concerned": "重视隐私的居民的信任对系统设计和公开的泄露事件反应有多强，"
                          "相对于务实型居民（按定义其反应为1）。",
    "response_unconcerned": "不在意隐私的居民的信任对系统设计和公开的泄露事件反应有多强，"
                            "相对于务实型居民。",
    "participation_threshold": "重新考虑的居民（参照组：50岁及以上男性）同意共享与拒绝共享"
                               "可能性相等时的信任度（逻辑斯谛曲线）。",
    "participation_slope": "参与意愿逻辑斯谛曲线的宽度。",
    "consent_reviews_per_year": "在没有相关新闻时，居民重新考虑同意和信息披露的频率。",
    "opt_in_effort": "能够完成选择加入所需主动步骤的居民比例（固定特征：其余居民无论多么愿意，"
                     "都不会加入）。",
    "withholding_rate": "在平均信任度下，向医生隐瞒敏感信息的居民比例。",
    "withholding_control_factor": "在让居民对共享有发言权的同意模式下（默示同意以外的所有模式），"
                                  "向医生隐瞒信息的概率乘以此系数：能够拒绝共享的居民不必对医生隐瞒"
                                  "。",
    "granular_hide_share": "分项同意下：愿意共享的重视隐私居民中，改变默认设置、隐藏敏感临床字段的"
                           "比例（务实型居民为其三分之一）。",
    "breach_trust_drop": "居民被告知其记录遭泄露后失去的信任度。",
    "news_trust_drop": "公布一起涉及1%人口的泄露事件时，每位居民失去的信任度（涉及比例 s < 1% 的"
                       "泄露按 (s / 1%)² 计：小规模泄露几乎上不了新闻）；随“信任冲击半衰期”"
                       "逐渐恢复。",
    "news_review_share": "公开一起涉及1%及以上人口的泄露事件后，每位居民额外重新考虑的次数（规模"
                         "较小的按其比例的平方计），分布在随后几周内。",
    "attention_half_life_days": "公开事件后公众关注度的半衰期。",
    "notification_review_days": "从收到泄露通知到居民重新考虑的平均天数（指数分布）。",
    "trust_sensitivity_effect": "相对于现状，设计的敏感度指数（采集什么、汇集范围多广、整合程度、"
                                "开放程度和关联键）每增加一个单位所失去的信任度。",
    "trust_transparency_effect": "相对于现状，设计的透明度指数（泄露通知、对共享的发言权、目的"
                                 "限定）每增加一个单位所获得的信任度。",
    "refusal_odds_women": "拒绝共享的比值比：女性相对于男性。",
    "refusal_odds_age_20_49": "拒绝共享的比值比：20-49岁相对于50岁及以上。",
    "refusal_odds_under_20": "拒绝共享的比值比：20岁以下（由父母决定）相对于50岁及以上。",
    "rollout_decision_share": "系统推行时即作出同意决定的居民比例（其余居民在重新考虑之前保持默认设"
                              "置）。",
    "notified_harm_reduction": "收到通知的居民能避免的身份和财务危害比例（换卡、冻结账户）。",
    "trust_half_life_days": "信任冲击的半衰期。",
    "show_code_threshold": "居民在就诊时出示健康码与不出示可能性相等时的信任度。",
    "internet_use_all": "使用互联网的居民比例（其中99.7%通过手机上网）：与下面两项一起决定谁有"
                        "智能手机可以亮码或在手机上保存记录。",
    "internet_use_60plus": "60岁及以上居民中使用互联网（智能手机）的比例。",
    "internet_use_rural": "农村居民中使用互联网（智能手机）的比例。",
    "insurance_enrolment": "参加基本医疗保险的居民比例：只有他们出现在医保局的结算记录中。",
    "online_payment_share": "智能手机用户中使用网上支付的比例：只有他们出现在支付平台的记录中。"
                            "参保的智能手机用户还使用医保码（医保电子凭证），整合视图会读取它。",
    "phone_present": "使用智能手机的居民就诊时手机（和健康码）在身边的概率。",
    "emergency_incapacitated": "急诊患者无法出示健康码或表示同意的概率。",
    "patient_history_complete": "神志清醒的急诊患者（或陪同的亲属）完整陈述其可知病史（过敏、用药、"
                                "疾病、既往发作；不含检验结果和影像）的概率。无行为能力的患者"
                                "（见“急诊患者无法出示健康码或表示同意的概率”）无法提供任何信息。",
    "prevalence_chronic": "患有慢性病的居民比例。",
    "prevalence_mental": "有精神健康记录的居民比例。",
    "prevalence_infectious": "有法定传染病记录的居民比例。",
    "prevalence_genetic": "有遗传或家族史数据的居民比例。",
    "prevalence_surgery": "做过手术的居民比例。",
    "prevalence_reproductive": "15-49岁女性中有生殖健康记录的比例。",
    # ------------------------------------------------------------------ care
    "routine_visits_per_year": "常规门诊就诊次数。",
    "chronic_visits_per_year": "慢性病居民的复诊次数。",
    "emergency_visits_per_year": "急诊就诊次数。",
    "preventive_visits_per_year": "疫苗接种和筛查就诊次数。",
    "care_propensity_shape": "居民就医频率的不均程度：每位居民的就诊率乘以一个均值为1、形状参数为"
                             "k 的伽马分布就医倾向（k 小：少数人频繁就医，多数人很少就诊；0：人人相"
                             "同）。",
    "away_share_emergency": "发生在户籍地区以外的急诊比例。",
    "away_share_other": "发生在户籍地区以外的其他就诊比例。",
    "care_continuity": "到某类机构就诊时去上次同一家机构的概率（急诊为其一半）。",
    "lifestyle_clinical_value": "生活方式、人口学和医保结算字段的临床价值系数（检验“最少必要采集"
                                "对诊疗影响很小”的说法）。",
    "med_history_error_rate": "就诊时没有用药史的情况下发生用药史差错的概率。",
    "med_error_important": "这些差错中有临床意义的比例。",
    "reconciliation_relative_risk": "有电子用药史时出现用药差异的相对风险。",
    "repeat_test_rate": "没有既往结果时重复检验或影像检查的概率。",
    "repeat_test_odds_ratio": "共享并使用既往结果时重复检验或影像检查的比值比。",
    "shared_lookup_probability": "存在共享记录时医生在就诊中查阅它的概率（本机构自己的记录总会查阅"
                                 "）。",
    "ed_admission_rate": "没有共享信息时急诊就诊后住院的概率。",
    "hie_admission_odds_ratio": "使用了共享信息的急诊就诊后住院的比值比。",
    # --------------------------------------------------------------- threats
    "n_external_groups": "外部犯罪团伙（窃取数据或勒索软件）的数量。",
    "external_attacks_per_million_per_year": "伺机作案的外部团伙的攻击尝试次数，按所代表的每百万居"
                                             "民计。",
    "ransomware_share": "实施勒索软件攻击（造成停机）的外部团伙比例。",
    "targeted_share": "专挑最有价值目标、而非遇到什么攻击什么的外部团伙比例。",
    "targeted_attacks_per_group_per_year": "每个定向团伙每年针对最有价值目标发动的攻击次数。",
    "attacker_skill": "对毫无安全防护的机构发动一次攻击的成功概率。",
    "attack_surface_exponent": "伺机作案者发现某机构的概率如何随其持有的记录数增长：∝ 记录数^e"
                               "（0：各机构相同；1：每条记录相同，因此全国数据库被发现的频率等于"
                               "所有医院加起来）。",
    "institution_size_log10_sd": "同一级别的实际机构持有记录数的差异（log10标准差；0.8：规模最大的"
                                 "十分之一约为中位数的10倍）。一个代表多家机构的节点同时代表大小机"
                                 "构。",
    "breach_size_log10_mean": "从持有100,000条记录的机构中被窃取记录数的中位数（log10）。",
    "breach_size_log10_sd": "同一受害机构泄露规模的离散度（log10标准差，对数正态分布）；各受害机构"
                            "自身规模的差异另外叠加。",
    "breach_size_exponent": "泄露规模如何随受害机构持有量增长：规模 ∝ 持有量^e（0：各机构相同；"
                            "1：每个数据库泄露相同比例）。",
    "ransomware_downtime_days": "遭勒索软件攻击后机构记录无法使用的天数。",
    "insiders_per_institution": "每个持有数据的机构中潜在的内部人员（好奇窥探者或出售者）数量。",
    "insider_acts_per_million_per_year": "内部人员考虑的作案机会，按所代表的每百万居民计。",
    "insider_seller_share": "出售记录的内部人员比例（其余出于好奇窥探）。",
    "insider_sale_log10_mean": "内部人员一次出售记录数的中位数（log10）。",
    "insider_sale_log10_sd": "内部人员出售规模的离散度（log10标准差）。",
    "coverage_half_records": "内部人员要能接触到其好奇或受托查询对象的一半，需要能打开的记录数"
                             "（访问范围越广，能接触到的人越多）。",
    "snoop_records_mean": "好奇的内部人员一次窥探打开的记录数。",
    "loss_theft_per_million_per_year": "记录丢失、被盗或处置不当（笔记本电脑、硬盘、纸质档案）"
                                       "的事件，不论规模，按所代表的每百万居民计。",
    "loss_theft_log10_mean": "一次丢失或被盗记录数的中位数（log10）。",
    "loss_theft_log10_sd": "丢失和被盗规模的离散度（log10标准差）。",
    "breach_rate_transfer_factor": "中国相对于美国：乘以按美国泄露通报平台拟合的三项泄露发生率"
                                   "（外部攻击尝试、内部人员作案机会、丢失和被盗）。",
    "gain_log_sd": "每次作案机会的收益差异有多大（对数正态，中位数为1）：正因如此，威慑是在边际上"
                   "逐次起作用，而不是一下子全部生效。",
    "n_brokers": "收购泄露数据并将其关联成档案的数据经纪商数量。",
    "broker_buy_probability": "一批泄露数据流入数据经纪商的概率。",
    "n_secondary_users": "利用整合后的码进行二次使用的主体（保险核保、官员）数量。",
    "secondary_campaigns_per_year": "每个二次使用者每年考虑发起的超范围使用行动数。",
    "secondary_campaign_log10_mean": "一次超范围使用行动中被查询的居民数（log10）；河南：1,317人。",
    "secondary_value_per_resident_yuan": "一次超范围查询对保险公司或官员的价值（节省的核保成本、管"
                                         "控）。",
    "attack_cost_yuan": "外部团伙发动一次攻击的成本中位数（自动化攻击很便宜）。",
    "insider_reservation_yuan": "内部人员作案前所需的净收益中位数（道德成本、处罚以外的丢工作风险）"
                                "。",
    "curiosity_value_yuan": "满足好奇心对窥探的内部人员值多少钱。",
    "bulk_value_factor": "一条记录的批发价相对于零售价的比例。",
    "resale_value_multiplier": "所有字段的转售价值乘以此系数（检验“低价值数据吸引的攻击者很少”的说"
                               "法）。",
    "ransom_yuan_scale": "预期赎金 = 系数 × (持有记录数)^0.55（持有100万条记录的受害机构：约700万元"
                         "）。",
    "reservation_log_sd": "攻击者成本和门槛收益的离散度（各主体间对数正态分布）。",
    "perceived_penalty_exponent": "违法者把处罚 F 感知为 F 的 e 次方：处罚的确定性比严厉程度更具威"
                                  "慑力。",
    "attacker_belief_strength": "攻击者初始信念的权重（贝塔先验，以该政策下真实的被发现概率和处罚"
                                "概率为中心）：需要相当于多少次作案的经验才能改变这些信念。",
    "attacker_peer_weight": "同伙一次被发现的作案（无论是否受处罚）在攻击者对处罚概率的信念中计多少"
                            "（自己被发现的作案计1）。",
    "attacker_success_weight": "一次（尚）未被发现的成功在攻击者“不会被发现”的信念中增加多少"
                               "（若该作案日后被发现则撤回；一次被发现计1）。",
    "attacker_success_prior_strength": "外部团伙对攻击各类机构成功频率的初始信念的权重（以真实成功"
                                       "概率为中心：攻击者技术水平 ×（1 − 安全水平））；它每尝试"
                                       "一次计1。",
    "foreign_enforcement_factor": "对外部（境外）团伙的执法力度相对于对境内内部人员的比例。",
    "detection_days_external": "发现外部入侵的平均时间。",
    "detection_days_insider": "发现内部人员滥用的平均时间。",
    "key_compromise_probability": "针对加密存储的入侵中仍能读取记录的比例：入侵者用窃取的凭证登录"
                                  "或拿到密钥，静态加密（磁盘或数据库加密，对已登录用户透明）会替"
                                  "他们解密；其余入侵只拿走了没有密钥的副本或介质。",
    "external_detection_probability": "外部入侵最终被遭入侵的持有方发现的概率（通过其自身监测、"
                                      "第三方或攻击者本人），与访问审计无关：审计强度只作用于内部"
                                      "人员和二次使用者。",
    # ---------------------------------------------------------- institutions
    "security_clinic": "社区诊所的安全水平。",
    "security_hospital": "二级和三级医院的安全水平。",
    "security_platform": "各平台、记录定位服务和紧急破例调阅服务的安全水平。",
    "security_agency": "公共卫生机构、医保局和支付平台的安全水平。",
    # ----------------------------------------------------------------- shock
    "shock_day": "最有价值的数据库发生一次强制设定的大规模泄露的日子（-1：不发生）。",
    "shock_fraction": "冲击事件中数据库被窃取的记录比例。",
    # -------------------------------------------------------------- settings
    "n_residents": "模拟居民数（有代表性的样本）。",
    "n_days": "模拟时长。",
    "real_population": "样本所代表的人口（决定泄露事件数和再识别的等价类规模）。",
    "n_regions": "地区数，每个地区有自己的机构。31（默认）：中国各省级行政区，使用2020年人口普查的"
                 "权重、年龄结构和名称；其他数目：规模服从对数正态分布的一般地区。",
    "counties_per_region": "每个地区的县区数（准标识符的地理层级）。",
    "clinics_per_region": "每个地区的社区诊所节点数。",
    "secondary_per_region": "每个地区的二级医院节点数。",
    "tertiary_per_region": "每个地区的三级医院节点数。",
    "history_years": "模拟开始时各机构已持有的电子诊疗历史年数（终身保存时全部仍在）。",
}
