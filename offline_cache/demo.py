"""The embedded demo dataset: fictional subjects on real kinds of credit lists, real approval items,
and measures taken from the national measures lists with their legal basis.

    python -m offline_cache.demo --out resources/demo

writes the signed demo snapshot into ``--out``, the demo trust root into ``--trust`` (default
``<out>/../trust``) and ``known_codes.json`` (the codes tests and the README rely on). The source
tables go to a temporary folder unless ``--sources`` names one: they are regenerated exactly, so
they need not be committed.

Everything is fixed (seed, dates, order of generation), so two runs give byte-identical sources and
therefore the same dataset digest; the demo signing key in ``--out`` is reused when present so the
committed root keeps matching. The key is public: it is demo data, never a production root.

Lawfulness of the content (国办发〔2020〕49号): every measure carries the law, regulation or central
document it rests on with its level, whom it binds (``target``) and what it does to the application
(``effect``); no mandatory punishment rests on a department rule or a memorandum alone, and an item
maps a measure only where that basis reaches the item (e.g. the bar on serving as 法定代表人 binds
the proposed person on a change registration, never the company; a 失信被执行人 entry is deleted by
the court, never "repaired"). Several items deliberately map nothing, so a hit there is
information for the clerk, not a ground to refuse. The data is what a publisher would carry on the
data date: entries past their term are taken down after a short lag (``Generator.settle``) and
annual ratings are replaced by the next year's. Nothing cites a 《全国失信惩戒措施基础清单》 item
number (``catalogue_ref`` empty): none could be confirmed for the data date.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from stdnum.cn import ric, uscc

SEED = 20261120
DATA_AS_OF = "2026-11-20T00:00:00+00:00"
CREATED = "2026-11-20T00:00:00+00:00"
EXPIRES = "2036-01-01T00:00:00+00:00"
ROOT_EXPIRES = "2036-12-31T00:00:00+00:00"
VERSION = 1
REGION = "440000"
AS_OF_DAY = date(2026, 11, 20)
KEY_FILE = "demo-signing-key.pem"
ROOT_FILE = "demo-root.json"
KNOWN_CODES_FILE = "known_codes.json"

ORG_COUNT = 5000
PERSON_COUNT = 320

# --- lists -------------------------------------------------------------------------------------

SX = "SXBZXR"     # 失信被执行人
YZ = "YZWFSX"     # 市场监管严重违法失信名单
SS = "ZDSSWF"     # 重大税收违法失信主体
QX = "QXNMGGZ"    # 拖欠农民工工资失信联合惩戒对象
JY = "JYYCML"     # 经营异常名录
HB = "HBJSQY"     # 环保警示企业（企业环境信用评价 黄牌）
NA = "NSXYA"      # A级纳税人
HG = "HGGJRZ"     # 海关高级认证企业
CN = "CNSX"       # 信用承诺失信（承诺不实）

LISTS = [
    (SX, "失信被执行人", "black", "最高人民法院",
     "《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）"),
    (YZ, "严重违法失信名单（市场监督管理）", "black", "国家市场监督管理总局",
     "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）"),
    (SS, "重大税收违法失信主体", "black", "国家税务总局",
     "《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号）"),
    (QX, "拖欠农民工工资失信联合惩戒对象名单", "black", "人力资源社会保障部",
     "《保障农民工工资支付条例》第四十八条；"
     "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）"),
    (JY, "经营异常名录", "focus", "国家市场监督管理总局",
     "《企业信息公示暂行条例》；《企业经营异常名录管理暂行办法》（国家工商行政管理总局令第68号）"),
    (HB, "环保警示企业（企业环境信用评价）", "focus", "生态环境部",
     "《企业环境信用评价办法（试行）》（环发〔2013〕150号）"),
    (NA, "纳税缴费信用A级纳税人", "red", "国家税务总局",
     "《纳税缴费信用管理办法》（国家税务总局公告2025年第12号）"),
    (HG, "海关高级认证企业", "red", "海关总署",
     "《中华人民共和国海关注册登记和备案企业信用管理办法》（海关总署令第251号）"),
    (CN, "信用承诺失信（承诺不实）", "focus", "广东省社会信用体系建设统筹协调小组办公室",
     "《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）；"
     "《广东省社会信用条例》"),
]
SEVERITY = {code: sev for code, _, sev, _, _ in LISTS}

# --- approval items ----------------------------------------------------------------------------

ITEMS = [
    ("SCJG-001", "企业设立登记", "广州市市场监督管理局"),
    ("SCJG-002", "企业变更登记（法定代表人）", "广州市市场监督管理局"),
    ("SCJG-003", "食品经营许可", "广州市市场监督管理局"),
    ("SCJG-004", "食品生产许可", "广州市市场监督管理局"),
    ("SCJG-005", "工业产品生产许可证核发", "广东省市场监督管理局"),
    ("SCJG-006", "“守合同重信用”企业公示", "广东省市场监督管理局"),
    ("SCJG-007", "企业备案（董事、监事、高级管理人员）", "广州市市场监督管理局"),
    ("YJ-001", "药品经营许可（批发）", "广东省药品监督管理局"),
    ("YJ-002", "药品经营许可（零售）", "广州市市场监督管理局"),
    ("YJ-003", "第三类医疗器械经营许可", "广州市市场监督管理局"),
    ("ZJ-001", "建筑工程施工许可证核发", "广州市住房和城乡建设局"),
    ("ZJ-002", "建筑业企业资质核准", "广东省住房和城乡建设厅"),
    ("ZJ-003", "房地产开发企业资质核定", "广州市住房和城乡建设局"),
    ("ZJ-004", "建筑施工企业安全生产许可证核发", "广东省住房和城乡建设厅"),
    ("JT-001", "道路货物运输经营许可", "广州市交通运输局"),
    ("JT-002", "道路旅客运输经营许可", "广州市交通运输局"),
    ("JT-003", "网络预约出租汽车经营许可", "广州市交通运输局"),
    ("CZ-001", "政府采购供应商资格审查", "采购人或其委托的采购代理机构（监督管理：广州市财政局）"),
    ("CZ-002", "财政补助资金申报审核", "广州市财政局"),
    ("GGZY-001", "工程建设项目招标投标（投标人资格审查）",
     "招标人（资格预审由资格审查委员会、资格后审由评标委员会审查；监督：项目所属行业主管部门）"),
    ("GGZY-002", "国有建设用地使用权招标拍卖挂牌出让（竞买人资格审查）", "广州市规划和自然资源局"),
    ("ZRZY-001", "不动产登记", "广州市规划和自然资源局"),
    ("SW-001", "出口退（免）税申报审核", "国家税务总局广州市税务局"),
    ("SW-002", "发票领用（含数电发票额度调整）", "国家税务总局广州市税务局"),
    ("RS-001", "人力资源服务许可", "广州市人力资源和社会保障局"),
    ("RS-002", "劳务派遣经营许可", "广州市人力资源和社会保障局"),
    ("HB-001", "危险废物经营许可证核发", "广东省生态环境厅"),
    ("HB-002", "建设项目环境影响报告书（表）审批", "广州市生态环境局"),
    ("WMB-001", "文明单位评选推荐", "广州市精神文明建设委员会办公室"),
    ("WJ-001", "医疗机构执业许可", "广州市卫生健康委员会"),
    ("JY-001", "民办学校办学许可", "广州市教育局"),
    ("YJGL-001", "危险化学品经营许可证核发", "广州市应急管理局"),
]

# Which commitments each item accepts (信用承诺制): 告知承诺 where the State Council's list of
# certificate and licensing items allows it (国办发〔2020〕42号), 容缺受理 where secondary materials
# may follow, 主动承诺 for applications made on the applicant's word, 信用修复承诺 for support a
# repaired subject may apply for again.
ITEM_COMMITMENTS = {
    "SCJG-001": ("notification", "tolerance", "voluntary"),
    "SCJG-002": ("tolerance",),
    "SCJG-003": ("notification", "tolerance"),
    "SCJG-004": ("notification",),
    "YJ-002": ("notification", "tolerance"),
    "JT-001": ("notification", "tolerance"),
    "ZJ-001": ("tolerance",),
    "ZJ-002": ("notification",),
    "CZ-001": ("voluntary",),
    "CZ-002": ("voluntary", "repair"),
    "RS-001": ("notification",),
    "RS-002": ("notification",),
    "WJ-001": ("tolerance",),
}

# --- measures ----------------------------------------------------------------------------------

M141 = "《关于对失信被执行人实施联合惩戒的合作备忘录》（发改财金〔2016〕141号）"
M64 = "《关于加快推进失信被执行人信用监督、警示和惩戒机制建设的意见》（中办发〔2016〕64号）"
M2798 = "《关于对重大税收违法案件当事人实施联合惩戒措施的合作备忘录（2016版）》（发改财金〔2016〕2798号）"
M1467 = "《关于对纳税信用A级纳税人实施联合激励措施的合作备忘录》（发改财金〔2016〕1467号）"
M2190 = "《关于对海关高级认证企业实施联合激励的合作备忘录》（发改财金〔2016〕2190号）"
GF33 = "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）"
GB42 = "《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）"
FA285 = ("《最高人民法院 国家发展和改革委员会等关于在招标投标活动中对失信被执行人实施联合惩戒的通知》"
         "（法〔2016〕285号）")
GPL22 = "《中华人民共和国政府采购法》第二十二条"
CK125 = "《财政部关于在政府采购活动中查询及使用信用记录有关问题的通知》（财库〔2016〕125号）"
GSL178 = "《中华人民共和国公司法》第一百七十八条第一款第（五）项、第二款"
GSL10 = "《中华人民共和国公司法》第十条"
SCZT12 = "《中华人民共和国市场主体登记管理条例》第十二条"
WAGES48 = "《保障农民工工资支付条例》第四十八条"
RS45 = "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）"
# The order is cited without an article: which article holds the measures is not confirmed.
YZ44 = "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）"
GSTL18 = "《企业信息公示暂行条例》第十八条"
SS54 = "《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号）"
# In force since 2025-07-01, replacing the 2014 trial rules for every rating made since.
NSJF = "《纳税缴费信用管理办法》（国家税务总局公告2025年第12号）"
NSXY = "《纳税信用管理办法（试行）》（国家税务总局公告2014年第40号）"
NSJF_FROM = date(2025, 7, 1)
EXPORT46 = "《出口退（免）税企业分类管理办法》（国家税务总局公告2016年第46号）"
HJ150 = "《企业环境信用评价办法（试行）》（环发〔2013〕150号）"

# (measure_id, list_code, nature, category, content, basis, mandatory, target, effect, basis_level,
#  catalogue_ref, items it maps to). basis_level: the highest-ranking instrument cited that itself
# carries the measure. catalogue_ref is None throughout: no edition and item number of
# 《全国失信惩戒措施基础清单》 in force on the data date could be confirmed, and none is invented.
MEASURES = [
    # 失信被执行人
    ("M-SX-01", SX, "punish", "限制参与政府采购",
     "供应商（法人、非法人组织或自然人）被列为失信被执行人的，采购人或采购代理机构应拒绝其参与政府采购活动。",
     f"{GPL22}；{CK125}；{M64}；{M141}", True, "any", "refuse", "law", None, ["CZ-001"]),
    ("M-SX-02", SX, "punish", "限制担任法定代表人",
     "拟任法定代表人的自然人因所负数额较大债务到期未清偿被人民法院列为失信被执行人的，不得担任法定代表人，不予登记。",
     f"{GSL178}；{GSL10}；{SCZT12}", True, "person", "refuse", "law", None, ["SCJG-001", "SCJG-002"]),
    # Through the unit's people: the unit is checked, the measure binds its legal representative.
    ("M-SX-08", SX, "punish", "法定代表人为失信被执行人",
     "申请登记的企业，其法定代表人因所负数额较大债务到期未清偿被人民法院列为失信被执行人的，"
     "不予登记该人员担任法定代表人：须另行确定法定代表人后办理。",
     f"{GSL178}；{SCZT12}", True, "legal_rep", "refuse", "law", None, ["SCJG-001"]),
    ("M-SX-07", SX, "punish", "限制担任董事、监事、高级管理人员",
     "拟任董事、监事、高级管理人员的自然人因所负数额较大债务到期未清偿被人民法院列为失信被执行人的，"
     "其选举、委派或者聘任无效，不予办理该人员的备案。",
     GSL178, True, "person", "refuse", "law", None, ["SCJG-007"]),
    ("M-SX-03", SX, "punish", "限制参与招标投标",
     "依法必须进行招标的工程建设项目，资格审查或评标时查询投标人是否为失信被执行人，"
     "按招标文件载明的处理方法对其投标予以否决。",
     f"{M64}；{GF33}；{FA285}；{M141}", True, "any", "refuse", "central_policy", None, ["GGZY-001"]),
    ("M-SX-04", SX, "punish", "限制取得政府资金支持",
     "限制失信被执行人申请政府补贴资金和社会保障资金支持。",
     f"{M64}；{M141}", True, "any", "refuse", "central_policy", None, ["CZ-002"]),
    ("M-SX-05", SX, "punish", "限制参加评先评优",
     "失信被执行人为单位的，不得参加文明单位评选。",
     f"{M64}；{M141}", True, "org", "refuse", "central_policy", None, ["WMB-001"]),
    ("M-SX-06", SX, "punish", "从严审核资质",
     "将失信被执行人列为重点审查对象，从严审核建筑业、房地产开发企业资质申请。",
     f"{M64}；{GF33}；{M141}", False, "org", "restrict", "central_policy", None, ["ZJ-002", "ZJ-003"]),
    # 市场监管严重违法失信名单
    ("M-YZ-01", YZ, "punish", "从严审核行政许可",
     "在审查行政许可、资质、资格时作为重要考量因素，从严审核，依法予以限制。",
     YZ44, False, "any", "restrict", "dept_rule", None,
     ["SCJG-003", "SCJG-004", "SCJG-005", "YJ-001", "YJ-002", "YJ-003"]),
    ("M-YZ-02", YZ, "punish", "不适用告知承诺制",
     "列入严重违法失信名单期间不适用告知承诺等基于诚信的便利措施，按一般程序审查。",
     f"{GB42}；{YZ44}", True, "any", "general_procedure", "central_policy", None,
     ["SCJG-003", "SCJG-004", "SCJG-005", "YJ-002"]),
    ("M-YZ-03", YZ, "punish", "政府采购和招标投标中作为重要考量因素",
     "在委托承担政府采购项目、工程招投标时作为重要考量因素，依法予以限制。",
     f"{GSTL18}；{YZ44}", False, "any", "restrict", "admin_regulation", None, ["CZ-001", "GGZY-001"]),
    ("M-YZ-04", YZ, "punish", "不予授予荣誉称号",
     "列入严重违法失信名单期间，不予授予市场监督管理部门荣誉称号等表彰奖励。",
     f"{GSTL18}；{YZ44}", True, "any", "refuse", "admin_regulation", None, ["SCJG-006"]),
    # 重大税收违法失信主体
    ("M-SS-01", SS, "punish", "限制参与政府采购",
     "重大税收违法失信主体在公布期内，采购人或采购代理机构应拒绝其参与政府采购活动。",
     f"{GPL22}；{CK125}；{M2798}", True, "any", "refuse", "law", None, ["CZ-001"]),
    ("M-SS-02", SS, "punish", "出口退（免）税从严审核",
     "失信主体纳税缴费信用直接判为D级的，出口企业管理类别按第四类管理，出口退（免）税申报从严审核。",
     f"{SS54}；{NSJF}；{EXPORT46}；{M2798}", False, "any", "restrict", "dept_rule", None, ["SW-001"]),
    ("M-SS-03", SS, "punish", "限制取得政府供应土地",
     "在国有建设用地使用权出让竞买资格审查中作为审慎考量因素，依法依规予以限制。",
     f"{GF33}；{M2798}", False, "any", "restrict", "central_policy", None, ["GGZY-002"]),
    ("M-SS-04", SS, "punish", "发票从严管理",
     "失信主体纳税缴费信用直接判为D级，按D级纳税人管理措施从严管理发票领用和数电发票开具额度。",
     f"{SS54}；{NSJF}", False, "any", "restrict", "dept_rule", None, ["SW-002"]),
    # 拖欠农民工工资失信联合惩戒对象
    ("M-QX-01", QX, "punish", "限制参与政府采购",
     "在名单期限内依法依规限制其参与政府采购活动：按采购文件载明的信用要求审查，并记录审查情况。",
     f"{WAGES48}；{RS45}", True, "any", "restrict", "admin_regulation", None, ["CZ-001"]),
    ("M-QX-02", QX, "punish", "限制参与招标投标",
     "在名单期限内依法依规限制其参与工程建设项目招标投标：按招标文件载明的信用要求审查，并记录审查情况。",
     f"{WAGES48}；{RS45}", True, "any", "restrict", "admin_regulation", None, ["GGZY-001"]),
    ("M-QX-03", QX, "punish", "限制取得政府资金支持",
     "在名单期限内依法依规限制其获得政府资金支持。",
     f"{WAGES48}；{RS45}", True, "any", "restrict", "admin_regulation", None, ["CZ-002"]),
    ("M-QX-04", QX, "punish", "限制参加评先评优",
     "在名单期限内依法依规限制其参加评先评优。",
     f"{WAGES48}；{RS45}", True, "any", "restrict", "admin_regulation", None, ["WMB-001"]),
    ("M-QX-05", QX, "punish", "市场准入审查中作为重要考量因素",
     "在建筑业企业资质、劳务派遣经营许可审查中作为重要考量因素，依法依规予以限制。",
     f"{WAGES48}；{RS45}", False, "any", "restrict", "admin_regulation", None, ["ZJ-002", "RS-002"]),
    # 《保障农民工工资支付条例》第四十八条 reaches "法定代表人或者主要负责人" of the listed unit.
    ("M-QX-06", QX, "punish", "法定代表人失信的审慎审查",
     "用人单位的法定代表人被列入拖欠农民工工资失信联合惩戒对象名单的，在资质审核、施工许可等市场准入中"
     "依法依规予以限制，从严审核。",
     f"{WAGES48}；{RS45}", False, "legal_rep", "restrict", "admin_regulation", None,
     ["ZJ-001", "ZJ-002", "RS-002"]),
    ("M-QX-07", QX, "punish", "主要负责人失信的审慎审查",
     "用人单位的主要负责人被列入拖欠农民工工资失信联合惩戒对象名单的，在资质审核、施工许可等市场准入中"
     "依法依规予以限制，从严审核。",
     f"{WAGES48}；{RS45}", False, "principal", "restrict", "admin_regulation", None,
     ["ZJ-001", "ZJ-002", "RS-002"]),
    # 信用承诺失信（承诺不实）
    ("M-CN-01", CN, "punish", "不适用告知承诺、容缺受理",
     "有承诺不实记录的，不适用告知承诺、容缺受理等基于信用承诺的便利措施，按一般程序办理。",
     f"{GB42}；《广东省社会信用条例》第二十七条", True, "any", "general_procedure", "central_policy",
     None, sorted(i for i, kinds in ITEM_COMMITMENTS.items()
                  if {"notification", "tolerance"} & set(kinds))),
    # 经营异常名录
    ("M-JY-01", JY, "punish", "列入经营异常名录的审慎考量",
     "在政府采购、工程招投标、国有土地出让、授予荣誉称号等工作中将经营异常情况作为重要考量因素，依法予以限制。",
     GSTL18, False, "org", "restrict", "admin_regulation", None, ["CZ-001", "GGZY-001", "GGZY-002", "WMB-001"]),
    # 环保警示企业
    ("M-HB-01", HB, "punish", "从严审查环境保护许可",
     "对环保警示企业从严审查危险废物经营许可证及其他环境保护行政许可申请，列为重点监管对象。",
     HJ150, False, "org", "restrict", "dept_rule", None, ["HB-001", "HB-002"]),
    # 纳税缴费信用A级纳税人
    ("M-NA-01", NA, "reward", "绿色通道、容缺受理",
     "在行政许可中根据实际情况开通“绿色通道”，对次要材料欠缺的可实行“容缺受理”。",
     f"{GF33}；{M1467}", False, "org", "reward", "central_policy", None, ["SCJG-003", "YJ-002", "JT-001", "ZJ-001"]),
    ("M-NA-02", NA, "reward", "发票领用便利",
     "纳税缴费信用A级纳税人按规定享受发票领用和数电发票额度调整方面的便利。",
     NSJF, False, "org", "reward", "dept_rule", None, ["SW-002"]),
    ("M-NA-03", NA, "reward", "优先办理出口退税",
     "出口企业管理类别为一类的，出口退（免）税申报优先审核、按规定时限加快办理。",
     f"{EXPORT46}；{M1467}", False, "org", "reward", "dept_rule", None, ["SW-001"]),
    ("M-NA-04", NA, "reward", "评先评优同等条件优先",
     "在评先评优中同等条件下优先考虑。",
     M1467, False, "org", "reward", "memorandum", None, ["WMB-001"]),
    # 海关高级认证企业
    ("M-HG-01", HG, "reward", "优先办理出口退税",
     "出口退（免）税审核中简化程序、优先办理。",
     f"{EXPORT46}；{M2190}", False, "org", "reward", "dept_rule", None, ["SW-001"]),
    ("M-HG-02", HG, "reward", "简化程序、容缺受理",
     "办理相关行政许可时，同等条件下简化程序，对次要材料欠缺的可实行“容缺受理”。",
     f"{GF33}；{M2190}", False, "org", "reward", "central_policy", None, ["SCJG-005"]),
]
MEASURE_COLUMNS = ["measure_id", "list_code", "nature", "category", "content", "basis", "mandatory",
                   "target", "effect", "basis_level", "catalogue_ref"]

# --- places ------------------------------------------------------------------------------------

# Guangzhou and Shenzhen districts: (region code, district name, court code, city)
DISTRICTS = [
    ("440103", "荔湾区", "粤0103", "广州"), ("440104", "越秀区", "粤0104", "广州"),
    ("440105", "海珠区", "粤0105", "广州"), ("440106", "天河区", "粤0106", "广州"),
    ("440111", "白云区", "粤0111", "广州"), ("440112", "黄埔区", "粤0112", "广州"),
    ("440113", "番禺区", "粤0113", "广州"), ("440114", "花都区", "粤0114", "广州"),
    ("440115", "南沙区", "粤0115", "广州"), ("440117", "从化区", "粤0117", "广州"),
    ("440118", "增城区", "粤0118", "广州"),
    ("440303", "罗湖区", "粤0303", "深圳"), ("440304", "福田区", "粤0304", "深圳"),
    ("440305", "南山区", "粤0305", "深圳"), ("440306", "宝安区", "粤0306", "深圳"),
    ("440307", "龙岗区", "粤0307", "深圳"), ("440308", "盐田区", "粤0308", "深圳"),
    ("440309", "龙华区", "粤0309", "深圳"), ("440310", "坪山区", "粤0310", "深圳"),
    ("440311", "光明区", "粤0311", "深圳"),
]
CITY_LEVEL = {"广州": ("440100", "粤01"), "深圳": ("440300", "粤03")}
RURAL = ["440111", "440113", "440114", "440115", "440117", "440118"]
# Birthplaces of natural persons: Guangdong districts and counties plus the usual neighbouring
# provinces, because hall applicants are by no means all locally born.
BIRTH_REGIONS = [d[0] for d in DISTRICTS] + [
    "440882", "441521", "445122", "441781", "440582", "441424",
    "430102", "430521", "450102", "450881", "360102", "362428", "350583", "510722"]

# --- names -------------------------------------------------------------------------------------

# Characters for fictional trade names (字号). Pairs are drawn at random; the blocklist keeps out
# pairs that are well-known brands, so no demo subject reads like a real company.
ZIHAO_A = "澄瀚汇锦嘉恒润泓睿博启晟鑫丰源卓凯鼎泰腾翔宏盛宇沐晞芮骏栎穗岭屿禾蓝朗昊熙煜铭诚信达安康和新致合景弘"
ZIHAO_B = "岚森铭程峰川原溪湾澜远涛辰星阳泉石林德邦通利华茂拓隆恒晖航澳蔚瑞祥颂庭坤谷苑湖桥舟帆杉松柏"
BRAND_BLOCKLIST = {"华润", "恒大", "万科", "美的", "格力", "腾讯", "华为", "中兴", "顺丰", "嘉华", "新华",
                   "宏达", "鼎泰", "达利", "信达", "汇源", "泰森", "信利", "恒隆", "嘉德", "凯德", "康泰",
                   "宇通", "汇通", "华茂", "华通", "华林", "恒通", "泰隆", "宏利", "启辰", "腾达", "安通",
                   "和邦", "华邦", "恒邦", "鑫茂", "晟通", "润华", "新阳", "达通", "盛通", "诚通", "新通",
                   "宏远", "华阳", "恒林", "昊华", "合德", "和利", "信德"}
INDUSTRIES = ["贸易", "商贸", "科技", "信息科技", "电子科技", "网络科技", "建筑工程", "建材", "装饰工程",
              "物流", "供应链管理", "餐饮管理", "食品", "医药", "医疗器械", "环保科技", "新材料", "五金制品",
              "服装", "文化传播", "广告", "物业管理", "房地产开发", "劳务服务", "汽车服务", "教育咨询",
              "生物科技", "化工", "印染", "电镀", "家具", "塑胶制品", "进出口", "国际货运代理", "机电设备",
              "照明科技", "包装材料", "纺织品", "茶业", "农业发展"]
CONSTRUCTION = ["建筑工程", "装饰工程", "劳务服务", "建材", "物业管理"]
POLLUTING = ["化工", "印染", "电镀", "五金制品", "塑胶制品", "家具", "包装材料", "新材料"]
TRADE = ["进出口", "电子科技", "国际货运代理", "机电设备", "照明科技", "纺织品", "服装", "贸易"]
SHOPS = ["便利店", "小吃店", "五金店", "服装店", "汽车维修部", "茶餐厅", "水果店", "手机维修店", "日用品商行",
         "粮油店", "理发店", "药房", "烧腊店", "文具店"]
COOPS = ["蔬菜种植", "荔枝种植", "花卉种植", "水产养殖", "家禽养殖", "茶叶种植", "农机服务"]
INSTITUTIONS = ["社区卫生服务中心", "综合文化站", "市政设施养护所", "农业技术推广站", "公共就业服务站"]
SOCIAL = ["社会工作服务中心", "养老服务中心", "职业培训学校", "幼儿园", "青少年服务中心"]
SURNAMES = ("陈李黄张梁刘林王吴何罗郑谢杨周许叶钟邓冯曾蔡彭潘徐胡朱卢赖苏江温廖欧区麦邝卓关"
            "谭方莫余袁孔唐严骆汤韦龚")
GIVEN = "志伟俊杰建华国明晓丽秀英嘉欣子豪家乐文辉海峰颖琳淑芬振宇婉婷锦荣桂兰泽楠少雄秋萍永康佩仪焕娣敏慧浩然"

# How long past its term an authority may still carry an entry before taking it down (publication
# lag; a demo choice, not a cited rule), how long a removed entry stays visible, and the lists whose
# entries are annual ratings replaced by the next year's.
REMOVAL_LAG = {SX: 5, YZ: 14, SS: 14, QX: 14}
KEEP_REMOVED_DAYS = 365
SUPERSEDED = {NA, HB}

# Codes: USCC characters exclude I, O, Z, S, V.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def org_code_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body: the 9th character of
    the code inside a USCC carries it, so the demo codes look like issued ones throughout."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(ch, 36) * w for ch, w in zip(body, weights))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def make_uscc(prefix: str, region: str, org_body: str) -> str:
    first17 = prefix + region + org_body + org_code_check(org_body)
    return first17 + uscc.calc_check_digit(first17)


def make_ric(region: str, birth: date, seq: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    # stdnum's RIC check-digit helper expects a full-length number and ignores its last character.
    return first17 + ric.calc_check_digit(first17 + "0")


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:          # 29 February
        return day.replace(year=day.year + years, day=28)


# --- generation --------------------------------------------------------------------------------

@dataclass
class Org:
    code: str
    name: str
    prefix: str
    region: str
    city: str
    district: str | None
    industry: str | None

    @property
    def kind(self) -> str:
        return "org"


@dataclass
class Person:
    code: str
    name: str
    region: str

    @property
    def kind(self) -> str:
        return "person"


@dataclass
class Dataset:
    subjects: list = field(default_factory=list)
    entries: list[dict] = field(default_factory=list)
    known: dict = field(default_factory=dict)
    relations: list = field(default_factory=list)
    commitments: list = field(default_factory=list)


class Generator:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.codes: set[str] = set()
        self.names: set[str] = set()
        self.seq: dict[tuple[str, int], int] = {}
        self.case_no: dict[str, int] = {}
        self.data = Dataset()

    # -- subjects --

    def _district(self, city: str | None = None, rural: bool = False):
        if rural:
            code = self.rng.choice(RURAL)
            return next(d for d in DISTRICTS if d[0] == code)
        pool = [d for d in DISTRICTS if city is None or d[3] == city]
        return self.rng.choice(pool)

    def _zihao(self) -> str:
        while True:
            z = self.rng.choice(ZIHAO_A) + self.rng.choice(ZIHAO_B)
            if z not in BRAND_BLOCKLIST and z[0] != z[1]:
                return z

    def _unique_code(self, make) -> str:
        while True:
            code = make()
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _org_body(self, prefix: str) -> str:
        r = self.rng
        if prefix == "52":
            return "MJ" + "".join(r.choice(USCC_CHARS) for _ in range(6))
        if prefix == "12" or r.random() < 0.25:
            # pre-2015 organisation code carried over into the USCC
            return "".join(r.choice("0123456789") for _ in range(8))
        return "MA" + "".join(r.choice(USCC_CHARS) for _ in range(6))

    def new_org(self, prefix: str = "91", name: str | None = None, industry: str | None = None,
                city: str | None = None, district_code: str | None = None) -> Org:
        r = self.rng
        if district_code:
            d = next(d for d in DISTRICTS if d[0] == district_code)
        else:
            d = self._district(city, rural=prefix == "93")
        region_code, district, _, city_name = d
        # Companies are registered at the city or district bureau; 个体工商户 and co-ops at district.
        city_level = prefix in ("91", "52") and r.random() < 0.35
        region = CITY_LEVEL[city_name][0] if city_level else region_code
        if prefix == "91":
            industry = industry or r.choice(INDUSTRIES)
        while name is None or name in self.names:
            z = self._zihao()
            if prefix == "91":
                lead = f"{city_name}市" if city_name == "深圳" or r.random() < 0.7 else city_name
                form = "股份有限公司" if r.random() < 0.03 else "有限公司"
                name = f"{lead}{z}{industry}{form}"
            elif prefix == "92":
                name = f"{city_name}市{district}{z}{r.choice(SHOPS)}"
            elif prefix == "93":
                name = f"{city_name}市{district}{z}{r.choice(COOPS)}专业合作社"
            elif prefix == "12":
                name = f"{city_name}市{district}{z}街{r.choice(INSTITUTIONS)}"
            else:
                name = f"{city_name}市{district}{z}{r.choice(SOCIAL)}"
        self.names.add(name)
        code = self._unique_code(lambda: make_uscc(prefix, region, self._org_body(prefix)))
        org = Org(code, name, prefix, region, city_name, None if city_level else district, industry)
        self.data.subjects.append(org)
        return org

    def new_person(self, name: str | None = None) -> Person:
        r = self.rng
        if name is None:
            name = r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

        def make():
            # A number carries the county code in force when it was issued: districts created
            # later (南沙 2005, 龙华 2016 ...) do not appear for people born before them, so the
            # county is drawn again with the date.
            while True:
                region = r.choice(BIRTH_REGIONS)
                birth = date(1958, 1, 1) + timedelta(days=r.randrange(0, 43 * 365))
                code = make_ric(region, birth, r.randrange(1, 1000))
                if ric.is_valid(code):
                    return code

        code = self._unique_code(make)
        person = Person(code, name, code[:6])
        self.data.subjects.append(person)
        return person

    # -- entries --

    def _day(self, start: date, end: date = date(2026, 11, 15)) -> date:
        return start + timedelta(days=self.rng.randrange(0, (end - start).days + 1))

    def _entry_id(self, list_code: str, listed: date) -> str:
        key = (list_code, listed.year)
        self.seq[key] = self.seq.get(key, 0) + 1
        return f"{list_code}-{listed.year}-{self.seq[key]:05d}"

    def _number(self, key: str) -> int:
        self.case_no[key] = self.case_no.get(key, 0) + self.rng.randrange(1, 40)
        return self.case_no[key]

    def _where(self, subject) -> tuple[str, str]:
        """(city, district or None) a list authority for this subject sits in."""
        if isinstance(subject, Org):
            return subject.city, subject.district
        d = next((d for d in DISTRICTS if d[0] == subject.region), None) or self._district()
        return d[3], d[1]

    def _state(self, state: str | None, severity: str, list_code: str) -> tuple[str, str]:
        """(state, what the basis adds to say so). One draw, as before the court rule, so that
        every later code stays where README and tests name it."""
        if state:
            return state, ""
        if severity == "red":
            return "active", ""
        x = self.rng.random()
        if list_code == SX:
            # Courts delete or correct a 失信被执行人 entry; there is no platform objection or repair.
            if x < 0.06:
                return "removed", "；经纠正申请，执行法院已删除失信信息"
            return ("removed", "；已履行，执行法院已删除失信信息") if x < 0.14 else ("active", "")
        return ("objection" if x < 0.06 else "repaired" if x < 0.14 else "active"), ""

    def entry(self, subject, list_code: str, *, listed: date | None = None,
              expires: date | None | str = "auto", state: str | None = None,
              ground: int | None = None) -> dict:
        r = self.rng
        city, district = self._where(subject)
        sev = SEVERITY[list_code]
        if list_code == SX:
            listed = listed or self._day(date(2021, 1, 1))
            ground = ground or (1 if r.random() < 0.55 else r.choice((3, 4, 4, 5, 5, 6)))
            grounds = {1: "有履行能力而拒不履行生效法律文书确定义务",
                       2: "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
                       3: "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
                       4: "违反财产报告制度", 5: "违反限制消费令", 6: "无正当理由拒不履行执行和解协议"}
            d = next(d for d in DISTRICTS if d[1] == district) if district else None
            if d is None or r.random() < 0.15:
                court_code, court = CITY_LEVEL[city][1], f"{city}市中级人民法院"
            else:
                court_code, court = d[2], f"{city}市{district}人民法院"
            year = listed.year if listed.month > 3 else listed.year - 1
            case = f"（{year}）{court_code}执{self._number(court_code + str(year))}号"
            authority = court
            basis = (f"《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第（{'一二三四五六'[ground - 1]}）项："
                     f"{grounds[ground]}；执行案号{case}")
            # Ground (一) has no set term; the others are listed for two years (第二条).
            auto = None if ground == 1 else add_years(listed, 2)
        elif list_code == YZ:
            listed = listed or self._day(date(2021, 9, 1))
            reason = r.choice(["食品安全领域严重违法行为", "药品、医疗器械、化妆品领域严重违法行为",
                               "质量安全领域严重违法行为", "侵害消费者权益的严重违法行为",
                               "严重破坏公平竞争秩序的违法行为", "拒绝、阻碍、干扰市场监督管理部门依法开展监督检查"])
            short = "穗" if city == "广州" else "深"
            authority = f"{city}市市场监督管理局"
            basis = (f"《市场监督管理严重违法失信名单管理办法》：{reason}，受到较重行政处罚；"
                     f"处罚决定书{short}市监处罚〔{listed.year}〕{self._number('YZ' + city + str(listed.year))}号")
            auto = add_years(listed, 3)
        elif list_code == SS:
            listed = listed or self._day(date(2022, 2, 1))
            reason = r.choice(["虚开增值税专用发票", "偷税（逃避缴纳税款）", "逃避追缴欠税",
                               "骗取出口退税", "虚开普通发票"])
            short = "穗" if city == "广州" else "深"
            # The inspection bureau decides and publishes the case (令第54号).
            authority = f"国家税务总局{city}市税务局第一稽查局"
            basis = (f"《重大税收违法失信主体信息公布管理办法》：{reason}；"
                     f"税务处理决定书{short}税稽处〔{listed.year}〕{self._number('SS' + city + str(listed.year))}号")
            auto = add_years(listed, 3)
        elif list_code == QX:
            listed = listed or self._day(date(2022, 1, 1))
            reason = r.choice(["克扣、无故拖欠农民工工资达到认定拒不支付劳动报酬罪数额标准",
                               "因拖欠农民工工资违法行为引发群体性事件、极端事件造成严重不良社会影响"])
            authority = f"{city}市人力资源和社会保障局"
            basis = f"《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》：{reason}"
            auto = add_years(listed, 3)
        elif list_code == JY:
            ground = ground or r.choice((1, 1, 1, 1, 2, 3, 4, 4))
            if listed is None:
                # Missed annual reports are listed in bulk after the 30 June deadline.
                listed = (date(r.choice((2023, 2024, 2025, 2026)), 7, 1) + timedelta(days=r.randrange(0, 20))
                          if ground == 1 else self._day(date(2022, 1, 1)))
            reasons = {1: "未按照规定期限公示年度报告", 2: "未在责令的期限内公示有关企业信息",
                       3: "公示企业信息隐瞒真实情况、弄虚作假", 4: "通过登记的住所或者经营场所无法联系"}
            authority = (f"{city}市{district}市场监督管理局" if city == "广州" and district
                         else f"{city}市市场监督管理局")
            basis = f"《企业经营异常名录管理暂行办法》第四条第（{'一二三四'[ground - 1]}）项：{reasons[ground]}"
            auto = None
        elif list_code == HB:
            year = r.choice((2024, 2025))
            listed = listed or date(year + 1, 6, 1) + timedelta(days=r.randrange(0, 30))
            authority = "广东省生态环境厅"
            basis = f"《企业环境信用评价办法（试行）》：{listed.year - 1}年度企业环境信用评价结果为环保警示企业（黄牌）"
            auto = add_years(listed, 1)
        elif list_code == NA:
            listed = listed or date(2026, 4, 1) + timedelta(days=r.randrange(0, 25))
            authority = "国家税务总局深圳市税务局" if city == "深圳" else "国家税务总局广东省税务局"
            basis = (f"《纳税缴费信用管理办法》：{listed.year - 1}年度纳税缴费信用评价结果为A级"
                     if listed >= NSJF_FROM else
                     f"《纳税信用管理办法（试行）》：{listed.year - 1}年度纳税信用评价结果为A级")
            # Holds until the next year's rating replaces it (settle drops the replaced one).
            auto = None
        elif list_code == HG:
            listed = listed or self._day(date(2021, 11, 1))
            authority = r.choice(["广州海关", "黄埔海关"]) if city == "广州" else "深圳海关"
            basis = "《中华人民共和国海关注册登记和备案企业信用管理办法》：经认证为高级认证企业"
            auto = None
        else:
            raise ValueError(list_code)
        if expires == "auto":
            expires = auto
        state, remark = self._state(state, sev, list_code)
        row = {
            "entry_id": self._entry_id(list_code, listed),
            "subject_code": subject.code,
            "list_code": list_code,
            "authority": authority,
            "listed_on": listed.isoformat(),
            "expires_on": expires.isoformat() if expires else "",
            "basis": basis + remark,
            "state": state,
        }
        self.data.entries.append(row)
        return row

    # -- the dataset --

    def showcase(self) -> None:
        """Hand-placed subjects whose codes README and tests name: each shows one situation."""
        k = self.data.known
        o = self.new_org("91", "广州市澄岚贸易有限公司", "贸易", district_code="440106")
        self.entry(o, SX, listed=date(2025, 3, 18), ground=1, state="active")
        k["black"] = o.code

        o = self.new_org("91", "广州市穗岭信息科技有限公司", "信息科技", district_code="440106")
        self.entry(o, JY, listed=date(2026, 7, 3), ground=1, state="active")
        k["focus"] = o.code

        o = self.new_org("91", "深圳市泓屿电子科技有限公司", "电子科技", district_code="440305")
        self.entry(o, NA, listed=date(2026, 4, 10), state="active")
        k["red"] = o.code

        o = self.new_org("91", "广州市沐禾进出口有限公司", "进出口", district_code="440112")
        self.entry(o, NA, listed=date(2026, 4, 10), state="active")
        self.entry(o, HG, listed=date(2023, 5, 16), state="active")
        k["red_customs"] = o.code

        o = self.new_org("91", "广州市骏塘建筑工程有限公司", "建筑工程", district_code="440111")
        self.entry(o, SX, listed=date(2024, 9, 2), ground=1, state="active")
        self.entry(o, QX, listed=date(2025, 1, 20), state="active")
        self.entry(o, JY, listed=date(2025, 7, 4), ground=1, state="active")
        k["black_and_focus"] = o.code

        o = self.new_org("91", "深圳市栎川食品有限公司", "食品", district_code="440306")
        self.entry(o, YZ, listed=date(2026, 8, 12), state="objection")
        k["objection"] = o.code

        o = self.new_org("91", "广州市晞原供应链管理有限公司", "供应链管理", district_code="440105")
        self.entry(o, SS, listed=date(2024, 6, 25), state="repaired")
        k["repaired"] = o.code

        o = self.new_org("91", "广州市芮峰劳务服务有限公司", "劳务服务", district_code="440113")
        # Past its term a week before the data date, still published: reads 已到期 on any check.
        self.entry(o, QX, listed=date(2023, 11, 13), expires=date(2026, 11, 13), state="active")
        k["expired_only"] = o.code

        o = self.new_org("91", "深圳市朗泉环保科技有限公司", "环保科技", district_code="440307")
        self.entry(o, HB, listed=date(2026, 6, 12), state="active")
        k["focus_environment"] = o.code

        p = self.new_person("邝志聪")
        self.entry(p, SX, listed=date(2025, 11, 5), ground=1, state="active")
        k["person_black"] = p.code

        k["person_clear"] = self.new_person("温婉婷").code
        k["clear"] = [self.new_org("91", "广州市蔚禾文化传播有限公司", "文化传播", district_code="440104").code,
                      self.new_org("91", "深圳市熙航网络科技有限公司", "网络科技", district_code="440304").code,
                      self.new_org("92", "广州市海珠区晖远茶餐厅", district_code="440105").code,
                      self.new_org("52", "广州市天河区睿苑社会工作服务中心", district_code="440106").code]

    def population(self) -> None:
        r = self.rng
        kinds = ["91"] * 78 + ["92"] * 12 + ["93"] * 3 + ["12"] * 3 + ["52"] * 4
        placed_orgs = sum(isinstance(s, Org) for s in self.data.subjects)
        placed_persons = len(self.data.subjects) - placed_orgs
        orgs = [self.new_org(r.choice(kinds)) for _ in range(ORG_COUNT - placed_orgs)]
        persons = [self.new_person() for _ in range(PERSON_COUNT - placed_persons)]
        companies = [o for o in orgs if o.prefix == "91"]
        market = [o for o in orgs if o.prefix in ("91", "92")]

        def pick(pool, n, exclude=()):
            pool = [s for s in pool if s.code not in exclude]
            return r.sample(pool, min(n, len(pool)))

        sx = pick(orgs, 300)
        for s in sx:
            for _ in range(r.choice((1, 1, 1, 1, 2, 3))):
                self.entry(s, SX)
        for s in pick(persons, 180):
            for _ in range(r.choice((1, 1, 1, 2))):
                self.entry(s, SX)
        yz = pick(market, 110)
        for s in yz:
            self.entry(s, YZ)
        ss = pick(companies, 50) + pick(sx, 20)       # tax cases often end in enforcement too
        for s in ss:
            self.entry(s, SS)
        qx = pick([o for o in companies if o.industry in CONSTRUCTION], 50)
        for s in qx + pick(persons, 15):
            self.entry(s, QX)
        for s in pick(companies, 540) + pick(yz + sx, 60):
            self.entry(s, JY)
        for s in pick([o for o in companies if o.industry in POLLUTING], 45):
            self.entry(s, HB)
        # A-level taxpayers and AEO companies have no serious violations: keep them off the black lists.
        blacklisted = {e["subject_code"] for e in self.data.entries if SEVERITY[e["list_code"]] == "black"}
        for s in pick(companies, 550, exclude=blacklisted):
            self.entry(s, NA)
            if r.random() < 0.3:       # last year's rating too, now lapsed
                self.entry(s, NA, listed=date(2025, 4, 1) + timedelta(days=r.randrange(0, 25)))
        for s in pick([o for o in companies if o.industry in TRADE], 40, exclude=blacklisted):
            self.entry(s, HG)

    def settle(self) -> None:
        """Keep only what a publisher still carries on the data date; runs after every draw.

        An entry past its term stays published for a short lag (read as lapsed, 已到期), then is
        taken down: kept as removed for a year so history and watch can say so, then dropped.
        Annual ratings are replaced by the next year's result and never kept."""
        newest: dict[tuple[str, str], str] = {}
        for e in self.data.entries:
            if e["list_code"] in SUPERSEDED:
                key = (e["subject_code"], e["list_code"])
                newest[key] = max(newest.get(key, ""), e["listed_on"])
        kept = []
        for e in self.data.entries:
            lc = e["list_code"]
            if lc in SUPERSEDED and e["listed_on"] < newest[(e["subject_code"], lc)]:
                continue
            exp = date.fromisoformat(e["expires_on"]) if e["expires_on"] else None
            if exp is None or exp >= AS_OF_DAY:
                kept.append(e)
                continue
            past = (AS_OF_DAY - exp).days
            if lc in SUPERSEDED:
                continue
            if e["state"] == "active" and past <= REMOVAL_LAG.get(lc, 0):
                kept.append(e)
            elif past <= KEEP_REMOVED_DAYS:
                if e["state"] != "removed":
                    e["state"] = "removed"
                    e["basis"] += "；纳入期限届满，执行法院已删除失信信息" if lc == SX else "；公布期限届满，已移出"
                kept.append(e)
        self.data.entries = kept

    def removed_court_example(self) -> str:
        """A unit whose only entry is a 失信被执行人 entry the court has deleted."""
        by_subject: dict[str, list[dict]] = {}
        for e in self.data.entries:
            by_subject.setdefault(e["subject_code"], []).append(e)
        for e in sorted(self.data.entries, key=lambda e: e["entry_id"]):
            mine = by_subject[e["subject_code"]]
            if (e["list_code"] == SX and e["state"] == "removed" and len(mine) == 1
                    and e["subject_code"][:2] == "91"):
                return e["subject_code"]
        raise AssertionError("no removed 失信被执行人 entry in the demo data")

    def unknown_valid(self) -> str:
        """A well-formed code that the data does not hold: the 'not found' case."""
        return self._unique_code(lambda: make_uscc("91", "440106", self._org_body("91")))


class People:
    """The people behind the units (法定代表人、主要负责人) and the commitments on record.

    Drawn after every subject and entry, from a random stream of their own, so that the codes the
    README and the tests name stay where they are."""

    def __init__(self, gen: Generator):
        self.gen = gen
        self.rng = random.Random(SEED + 15)
        self.relations: list[tuple[str, str, str, str]] = []
        self.commitments: list[tuple[str, str, str, str, str]] = []

    def _person(self) -> tuple[str, str]:
        """A person on no list: a number and a name, no subject row (DESIGN.md: natural persons on
        no list are not in the snapshot as subjects)."""
        r, codes = self.rng, self.gen.codes
        name = r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))
        while True:
            birth = date(1958, 1, 1) + timedelta(days=r.randrange(0, 43 * 365))
            code = make_ric(r.choice(BIRTH_REGIONS), birth, r.randrange(1, 1000))
            if ric.is_valid(code) and code not in codes:
                codes.add(code)
                return code, name

    def relate(self, unit, role: str, person=None) -> tuple[str, str]:
        code, name = (person.code, person.name) if person is not None else self._person()
        self.relations.append((unit.code, role, code, name))
        return code, name

    def commit(self, subject, kind: str, made_on: date, state: str) -> str:
        cid = f"CN-{made_on:%Y%m}-{len(self.commitments) + 1:05d}"
        self.commitments.append((cid, subject.code, kind, made_on.isoformat(), state))
        if state == "breached":
            # 承诺不实: the platform lists the subject (focus) from the day the breach was found.
            found = made_on + timedelta(days=self.rng.randrange(20, 90))
            self.gen.data.entries.append({
                "entry_id": self.gen._entry_id(CN, found), "subject_code": subject.code,
                "list_code": CN, "authority": "广州市市场监督管理局", "listed_on": found.isoformat(),
                "expires_on": add_years(found, 3).isoformat(),
                "basis": f"告知承诺核查发现承诺内容与实际不符（承诺书编号 {cid}），认定为承诺不实",
                "state": "active"})
        return cid

    def showcase(self) -> None:
        gen, k = self.gen, self.gen.data.known
        listed_rep = next(s for s in gen.data.subjects if s.code == k["person_black"])
        o = gen.new_org("91", "广州市禾川建筑工程有限公司", "建筑工程", district_code="440106")
        self.relate(o, "legal_rep", listed_rep)
        self.relate(o, "principal")
        k["unit_rep_listed"] = o.code
        o = gen.new_org("91", "广州市煜森商贸有限公司", "商贸", district_code="440104")
        self.relate(o, "legal_rep")
        self.relate(o, "principal")
        k["unit_rep_clear"] = o.code
        wages = gen.new_person("钟国雄")
        gen.entry(wages, QX, listed=date(2026, 2, 10), state="active")
        o = gen.new_org("91", "广州市澜石劳务服务有限公司", "劳务服务", district_code="440113")
        self.relate(o, "legal_rep", wages)
        k["unit_rep_wages"] = o.code
        o = gen.new_org("91", "广州市铭溪食品有限公司", "食品", district_code="440105")
        self.relate(o, "legal_rep")
        self.commit(o, "tolerance", date(2026, 5, 12), "breached")
        k["commitment_breached"] = o.code
        o = gen.new_org("91", "广州市晖泉餐饮管理有限公司", "餐饮管理", district_code="440106")
        self.relate(o, "legal_rep")
        self.commit(o, "notification", date(2026, 3, 2), "fulfilled")
        k["commitment_fulfilled"] = o.code

    def population(self) -> None:
        r, gen = self.rng, self.gen
        placed = {u for u, *_ in self.relations}
        listed_units = {e["subject_code"] for e in gen.data.entries
                        if SEVERITY.get(e["list_code"]) == "black"}
        orgs = [s for s in gen.data.subjects if isinstance(s, Org) and s.prefix in ("91", "92", "93")
                and s.code not in placed]
        # The listed units and as many others: enough people to show both cases, in a demo file
        # small enough for the tests' small disks.
        behind_listed = [u for u in orgs if u.code in listed_units]
        units = behind_listed + r.sample([u for u in orgs if u.code not in listed_units],
                                         len(behind_listed))
        listed_people = sorted({e["subject_code"] for e in gen.data.entries
                                if SEVERITY.get(e["list_code"]) == "black"}
                               & {s.code for s in gen.data.subjects if isinstance(s, Person)})
        by_code = {s.code: s for s in gen.data.subjects}
        # A listed person most often stands behind a listed unit, sometimes behind a clean one.
        reps = {}
        for i, code in enumerate(listed_people):
            pool = behind_listed if i % 3 else units
            unit = r.choice(pool)
            reps.setdefault(unit.code, by_code[code])
        for unit in units:
            self.relate(unit, "legal_rep", reps.get(unit.code))
            if unit.prefix == "91" and r.random() < 0.3:
                self.relate(unit, "principal")
        named = {c for v in gen.data.known.values() for c in (v if isinstance(v, list) else [v])}
        for unit in r.sample([u for u in units if u.code not in named], 240):
            kind = r.choice(("notification", "notification", "tolerance", "voluntary", "repair"))
            # Made, and any breach found, before the data date.
            made = date(2025, 6, 1) + timedelta(days=r.randrange(0, 400))
            x = r.random()
            self.commit(unit, kind, made, "breached" if x < 0.12 else "fulfilled" if x < 0.6 else "open")


def generate() -> Dataset:
    gen = Generator()
    gen.showcase()
    gen.population()
    gen.data.known["unknown_valid"] = gen.unknown_valid()
    gen.settle()
    gen.data.known["removed_court"] = gen.removed_court_example()
    people = People(gen)
    people.showcase()
    people.population()
    gen.data.relations = people.relations
    gen.data.commitments = people.commitments
    gen.data.known["item_with_measures"] = "CZ-001"
    gen.data.known["item_with_reward"] = "SW-001"
    gen.data.known["item_company_registration"] = "SCJG-001"
    gen.data.known["item_food_licence"] = "SCJG-003"
    gen.data.known["item_without_mapping"] = "ZRZY-001"
    gen.data.known["item_legal_rep_change"] = "SCJG-002"
    gen.data.known["item_officer_filing"] = "SCJG-007"
    gen.data.known["item_general_procedure"] = "SCJG-003"
    gen.data.known["item_with_tolerance"] = "ZJ-001"
    return gen.data


# --- writing -----------------------------------------------------------------------------------

def _write_csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(["true" if v is True else "false" if v is False else v for v in row])


def write_sources(folder: Path) -> dict:
    """Write the build input tables into ``folder``; return the known codes."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = generate()
    _write_csv(folder / "subjects.csv", ["code", "name", "kind"],
               ((s.code, s.name, s.kind) for s in data.subjects))
    _write_csv(folder / "lists.csv", ["list_code", "list_name", "severity", "authority", "basis"], LISTS)
    entry_fields = ["entry_id", "subject_code", "list_code", "authority", "listed_on", "expires_on",
                    "basis", "state"]
    _write_csv(folder / "entries.csv", entry_fields, ([e[f] for f in entry_fields] for e in data.entries))
    _write_csv(folder / "items.csv", ["item_code", "name", "department"], ITEMS)
    _write_csv(folder / "measures.csv", MEASURE_COLUMNS,
               ([*m[:10], m[10] or ""] for m in MEASURES))
    _write_csv(folder / "item_measures.csv", ["item_code", "measure_id"],
               sorted((item, m[0]) for m in MEASURES for item in m[11]))
    _write_csv(folder / "relations.csv", ["unit_code", "role", "person_code", "person_name", "person_tag"],
               ((*r, "") for r in data.relations))
    _write_csv(folder / "commitments.csv", ["commitment_id", "subject_code", "type", "made_on", "state"],
               data.commitments)
    _write_csv(folder / "item_commitments.csv", ["item_code", "type"],
               sorted((item, kind) for item, kinds in ITEM_COMMITMENTS.items() for kind in kinds))
    return data.known


def write_known_codes(path: Path, known: dict) -> None:
    path.write_text(json.dumps(known, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --- the signed demo snapshot ------------------------------------------------------------------

# The demo's person-sealing salt is fixed (a real publisher draws one per snapshot): the demo is
# public anyway, and the test that rebuilds the committed snapshot needs the same bytes.
DEMO_SEALING_SALT = b"credit-desk-demo"
REPOSITORY = "repository"   # a TUF repository: metadata/ and targets/
# Outside resources/ so that the bundle ships the demo root but not the key that signs for it.
DEFAULT_KEY = Path(__file__).resolve().parent.parent / "build_scripts" / "demo" / KEY_FILE


def publish(out: Path, trust: Path, key: Path, sources: Path | None = None) -> dict:
    """Generate, build and publish the demo snapshot as a TUF repository in ``out/repository``;
    write its root (the demo trust root) and the known codes."""
    from datetime import datetime

    from offline_cache.build import build, bucket_path
    from offline_cache.repository import Repository, RoleKeys, generate_key, load_signer

    out.mkdir(parents=True, exist_ok=True)
    trust.mkdir(parents=True, exist_ok=True)
    if not key.exists():
        key.parent.mkdir(parents=True, exist_ok=True)
        generate_key(key)
    signer = load_signer(key)
    everyone = RoleKeys((signer.public_key,), 1)
    expires = {"root": datetime.fromisoformat(ROOT_EXPIRES), "targets": datetime.fromisoformat(EXPIRES),
               "snapshot": datetime.fromisoformat(EXPIRES), "timestamp": datetime.fromisoformat(EXPIRES)}
    shutil.rmtree(out / REPOSITORY, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = sources or Path(tmp) / "sources"
        known = write_sources(src)
        staged = Path(tmp) / "demo-dataset.sqlite"
        build(src, staged, sealing_salt=DEMO_SEALING_SALT)
        repo = Repository.create(out / REPOSITORY, {r: everyone for r in ("root", "targets", "snapshot", "timestamp")},
                                 [signer], name="演示信任根 DEMO ROOT（仅供演示，不得用于生产）", demo=True,
                                 expires=expires)
        repo.publish(version=VERSION, data=staged, buckets=bucket_path(staged), region=REGION,
                     data_as_of=datetime.fromisoformat(DATA_AS_OF), demo=True, expires=expires,
                     signers={r: [signer] for r in ("targets", "snapshot", "timestamp")})
    shutil.copyfile(out / REPOSITORY / "metadata" / "1.root.json", trust / ROOT_FILE)
    write_known_codes(out / KNOWN_CODES_FILE, known)
    return known


# --- the second version: what changed after the demo flow's checks ----------------------------

V2_DATA_AS_OF = "2026-11-27T00:00:00+00:00"


def second_version(conn, known: dict | None = None) -> None:
    """Turn a copy of the demo data into its second version, in which subjects the README's demo
    flow checks have changed, so that a training room sees post-approval alerts after an update:
    a clear company is put on the black list (an alert on a grant), the black-listed company's
    entry is repaired and the focus-listed one's removed (alerts on refusals), the A-level
    taxpayer loses its rating (an alert where its incentive was used), another clear company
    gains a red-list entry (no alert: nothing recorded rests on it), and the legal representative
    of a clear unit (``unit_rep_clear``) is put on the black list (an alert on a grant to the
    unit, naming the person masked and the measures targeting legal_rep). ``conn`` is an open
    SQLite connection to the copy, inside the caller's transaction."""
    k = known or json.loads((Path(__file__).resolve().parent.parent / "resources" / "demo"
                             / KNOWN_CODES_FILE).read_text(encoding="utf-8"))
    _list_legal_rep(conn, k["unit_rep_clear"])
    conn.execute("INSERT INTO entries VALUES ('SXBZXR-2026-90001', ?, ?, '广州市天河区人民法院', "
                 "'2026-11-25', NULL, ?, 'active')",
                 (k["clear"][0], SX, "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第（一）项"))
    conn.execute("UPDATE entries SET state = 'repaired' WHERE subject_code = ? AND list_code = ?",
                 (k["black"], SX))
    conn.execute("DELETE FROM entries WHERE subject_code = ? AND list_code = ?", (k["focus"], JY))
    conn.execute("DELETE FROM entries WHERE subject_code = ? AND list_code = ?", (k["red"], NA))
    conn.execute("INSERT INTO entries VALUES ('NSXYA-2026-90002', ?, ?, '国家税务总局广州市税务局', "
                 "'2026-11-25', '2027-03-31', ?, 'active')",
                 (k["clear"][1], NA, "《纳税信用管理办法（试行）》（国家税务总局公告2014年第40号）"))


def _list_legal_rep(conn, unit: str) -> None:
    """Black-list ``unit``'s legal representative as the build would have: the person's row under
    the tag of their number with the name sealed, the entry under the tag, and the unit's relation
    pointing at the tag. The number comes from the generator (the data holds it masked only)."""
    from offline_cache import sealing

    code, name = next((c, n) for u, role, c, n in generate().relations
                      if u == unit and role == "legal_rep")
    params = sealing.read_params(conn)
    tag, key = sealing.derive(code, params)
    conn.execute("INSERT INTO subjects (code, name, kind) VALUES (?, ?, 'person')",
                 (tag, sealing.seal(key, tag, {"name": name})))
    conn.execute("INSERT INTO entries VALUES ('SXBZXR-2026-90003', ?, ?, '广州市越秀区人民法院', "
                 "'2026-11-24', NULL, ?, 'active')",
                 (tag, SX, "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第（一）项"))
    conn.execute("UPDATE relations SET person_tag = ? WHERE unit_code = ? AND role = 'legal_rep'",
                 (tag, unit))


def publish_second_version(out: Path, key: Path, base: Path | None = None) -> Path:
    """Version 2 of the demo snapshot into ``out``: a copy of the bundled demo repository with
    version 2 published in it (the full snapshot and the delta from version 1), signed with the
    demo key (what a demo desk imports from a USB stick). Returns the repository folder."""
    from datetime import datetime

    from offline_cache.build import bucket_path
    from offline_cache.cli import ensure_buckets
    from offline_cache.delta import make_delta
    from offline_cache.repository import Repository, data_name, load_signer

    bundled = Path(__file__).resolve().parent.parent / "resources" / "demo" / REPOSITORY
    base = base or bundled / "targets" / data_name(VERSION)
    shutil.copytree(bundled, out)
    with tempfile.TemporaryDirectory() as tmp:
        v1 = Path(tmp) / "v1.sqlite"
        shutil.copyfile(base, v1)
        shutil.copyfile(bundled / "targets" / f"buckets-{VERSION:06d}.bin", bucket_path(v1))
        data = Path(tmp) / "v2.sqlite"
        shutil.copyfile(base, data)
        conn = sqlite3.connect(data, isolation_level=None)
        try:
            conn.execute("BEGIN")
            second_version(conn)
            conn.execute("COMMIT")
            conn.execute("VACUUM")
        finally:
            conn.close()
        buckets = ensure_buckets(data)
        delta = make_delta(v1, data, Path(tmp) / "delta.sqlite").path
        signer = load_signer(key)
        expires = datetime.fromisoformat(EXPIRES)
        Repository(out).publish(version=VERSION + 1, data=data, buckets=buckets, deltas={VERSION: delta},
                                data_as_of=datetime.fromisoformat(V2_DATA_AS_OF), region=REGION, demo=True,
                                signers={r: [signer] for r in ("targets", "snapshot", "timestamp")},
                                expires={r: expires for r in ("targets", "snapshot", "timestamp")})
    return out


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent.parent
    p = argparse.ArgumentParser(prog="python -m offline_cache.demo",
                                description="生成并签署内置演示快照（演示数据 / DEMO DATA）")
    p.add_argument("--out", type=Path, default=here / "resources" / "demo")
    p.add_argument("--trust", type=Path, default=None, help="信任根文件夹（默认 <out>/../trust）")
    p.add_argument("--key", type=Path, default=DEFAULT_KEY, help="演示签名密钥（不存在则生成）")
    p.add_argument("--sources", type=Path, default=None, help="另存源数据表的文件夹")
    p.add_argument("--second-version", type=Path, default=None, metavar="DIR",
                   help="只生成第 2 版（完整快照与自第 1 版的增量）到 DIR，供演示事中事后监管提醒")
    args = p.parse_args(argv)
    if args.second_version:
        repo = publish_second_version(args.second_version, args.key)
        print(f"演示快照第 2 版（完整快照与自第 1 版的增量）已写入 {repo}")
        return 0
    known = publish(args.out, args.trust or args.out.parent / "trust", args.key, args.sources)
    print(f"演示快照已写入 {args.out}（{len(known)} 个示例代码见 {KNOWN_CODES_FILE}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
