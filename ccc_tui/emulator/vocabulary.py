"""The vocabulary generated calls draw from: agents, skill groups, numbers, release reasons,
call types and outcomes, and the weights of hours and satisfaction ratings."""

from __future__ import annotations

from typing import NamedTuple

from ccc_tui.api.catalogue import DISPOSITIONS_2017

CONTACT_TYPES = ("Inbound", "Outbound", "Back2Back", "PredictiveDial", "PrivacyDial")
DISPOSITIONS = DISPOSITIONS_2017  # the 2017 API is what the emulator speaks


class Agent(NamedTuple):
    name: str
    login: str
    ram_id: str  # the AgentId of recordings: the RAM sub-account id
    groups: tuple[int, ...]  # indexes into SKILL_GROUPS

    @property
    def user_id(self) -> str:
        return f"{self.login}@ccc-demo"


class SkillGroup(NamedTuple):
    name: str
    group_id: str
    description: str


SKILL_GROUPS: tuple[SkillGroup, ...] = (
    SkillGroup("售后服务组", "4c0c8a8e-6a3d-4f6e-9a4b-1f2e3d4c5b6a", "售后维修与退换货"),
    SkillGroup("售前咨询组", "7d2b1e9f-0c4a-4b8d-8e7f-2a3b4c5d6e7f", "产品与价格咨询"),
    SkillGroup("投诉处理组", "a1f3c5e7-9b2d-4f6a-8c0e-3b5d7f9a1c3e", "客户投诉与升级"),
    SkillGroup("VIP客户组", "b2e4d6f8-0a1c-4e3b-9d5f-4c6e8a0b2d4f", "VIP 专线"),
    SkillGroup("技术支持组", "c3f5e7a9-1b2d-4f4c-8e6a-5d7f9b1c3e5a", "二线技术支持"),
    SkillGroup("Billing Support", "d4a6f8b0-2c3e-4a5d-9f7b-6e8a0c2d4f6b", "Invoices and refunds"),
    SkillGroup(
        "English Hotline", "e5b7a9c1-3d4f-4b6e-8a8c-7f9b1d3e5a7c", "International customers"
    ),
    SkillGroup("测试", "f6c8b0d2-4e5a-4c7f-9b9d-8a0c2e4f6b8d", "测试技能组"),
    SkillGroup("夜间值班组", "07d9c1e3-5f6b-4d8a-8cae-9b1d3f5a7c9e", "22:00–08:00 overflow"),
)
OUTBOUND_GROUPS = (0, 1, 3, 5)

AGENTS: tuple[Agent, ...] = (
    Agent("小芳", "xiaofang", "293939422320312215", (0, 1, 3)),
    Agent("cloudcallcenter", "cloudcallcenter", "293939422320300001", (7, 0)),
    Agent("王伟", "wangwei", "293939422320312307", (0, 2, 4)),
    Agent("李娜", "lina", "293939422320312419", (1, 3)),
    Agent("张敏", "zhangmin", "293939422320312526", (0, 2)),
    Agent("刘洋", "liuyang", "293939422320312631", (4, 8)),
    Agent("陈静", "chenjing", "293939422320312744", (1, 0, 8)),
    Agent("赵磊", "zhaolei", "293939422320312850", (2, 4)),
    Agent("黄丽", "huangli", "293939422320312963", (3, 5)),
    Agent("Alice Chen", "alice.chen", "293939422320313072", (5, 6)),
    Agent("Bob Li", "bob.li", "293939422320313188", (6, 4)),
    Agent("Carlos Gómez", "carlos.gomez", "293939422320313291", (6, 5)),
    Agent("Diana Wu", "diana.wu", "293939422320313305", (1, 6, 8)),
    Agent("Emma Zhang", "emma.zhang", "293939422320313417", (0, 5)),
    Agent("Kevin Wang", "kevin.wang", "293939422320313520", (4, 2, 7)),
)
MEMBERS: tuple[tuple[int, ...], ...] = tuple(
    tuple(i for i, a in enumerate(AGENTS) if g in a.groups) for g in range(len(SKILL_GROUPS))
)

GROUP_AGENTS: dict[str, tuple[Agent, ...]] = {
    g.name: tuple(AGENTS[i] for i in MEMBERS[n]) for n, g in enumerate(SKILL_GROUPS)
}

CENTER_NUMBERS = ("80315543", "80327683", "02160791234", "4008001234")
MOBILE_PREFIXES = tuple(
    str(p) for p in (*range(130, 140), 150, 151, 152, 155, 158, 159, 176, 177, 180, 185, 186, 188)
)

# SIP release reasons of the customer's leg: (text, weight) per situation (see scenarios.py).
REASON_TALK = (("200-OK", 20),)
REASON_NO_ANSWER = (
    ("480-Temporarily Unavailable", 6),
    ("486-Busy Here", 5),
    ("487-Request Terminated", 5),
    ("408-Request Timeout", 3),
    ("603-Decline", 3),
    ("404-Not Found", 1),
    ("503-Service Unavailable", 1),
)

# Hour-of-day weights in the service's zone: a business-hours call centre with a quiet night.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 18, 16, 12, 15, 18, 18, 16, 14, 10, 8, 6, 4, 2, 1)
HOUR_CUM = tuple(sum(HOUR_WEIGHTS[: i + 1]) for i in range(24))

# (description, score), repeated by weight
SATISFACTION = (
    (("满意", 1),) * 40 + (("一般", 2),) * 8 + (("不满意", 3),) * 7 + (("未评价", 0),) * 25
)
