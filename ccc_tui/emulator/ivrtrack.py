"""The IVR nodes a call passed, for ListIvrTrackingDetails (2.0) and ListIvrTrackingDetail (2017).

A call's IVR time (its `EnterIVR` spans) is split over the nodes of the demo's flows: the main
flow greets, gathers a digit for the skill group and transfers to it; a caller who hangs up in
the IVR leaves it in the menu node (exit `Hangup`); an overflowed call hears the overflow flow's
notice. The 2.0 instance's own showcase call dies in a JSON_PARSER node (exit `Failure`) of a
flow version published minutes before. Deterministic: the same call gives the same nodes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ccc_tui.emulator.builder import CallSummary

FLOW_IDS = {
    "主流程": "2d7f1c3e-5a9b-4c8d-9e0f-1a2b3c4d5e6f",
    "溢出提示": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
}
FLOW_VERSION = "12"  # the main flow's version, until the showcase day's publish
PUBLISHED_VERSION = "13"
FAILED_NODE = "解析订单状态"  # the node the published version breaks in


class IvrStep(NamedTuple):
    """One node a call passed."""

    contact_id: str
    caller: str
    callee: str
    flow_name: str
    node_id: str
    node_name: str
    node_type: str
    exit_code: str
    properties: dict[str, Any]
    variables: dict[str, str]
    channel_variables: str
    enter_ms: int
    leave_ms: int
    description: str

    @property
    def flow_id(self) -> str:
        return FLOW_IDS.get(self.flow_name, "")


def ivr_track(
    contact_id: str,
    summary: CallSummary,
    spans: Sequence[tuple[str, int, int]],
    group: int | None,
    *,
    group_slug: Callable[[int], str],
    published_ms: int | None = None,
) -> tuple[IvrStep, ...]:
    """The nodes of a call whose IVR spans are `spans` ((flow name, enter ms, leave ms)) and
    who asked for skill group `group` (an index, None when it never got that far)."""
    rng = random.Random(f"ivr:{summary.contact_id}")
    steps: list[IvrStep] = []
    channel = f"caller={summary.calling_number};callee={summary.called_number}"

    def node(
        flow: str,
        name: str,
        kind: str,
        exit_code: str,
        enter: int,
        leave: int,
        description: str,
        *,
        properties: dict[str, Any] | None = None,
        variables: dict[str, str] | None = None,
    ) -> None:
        steps.append(
            IvrStep(
                contact_id=contact_id,
                caller=summary.calling_number,
                callee=summary.called_number,
                flow_name=flow,
                node_id=f"{FLOW_IDS[flow][:8]}-{len(steps) + 1:02d}",
                node_name=name,
                node_type=kind,
                exit_code=exit_code,
                properties=properties or {},
                variables=variables or {},
                channel_variables=channel,
                enter_ms=enter,
                leave_ms=leave,
                description=description,
            )
        )

    for flow, enter, leave in spans:
        if flow != "主流程":
            node(flow, "溢出提示音", "PLAY_SAY", "Success", enter, leave, "排队溢出提示")
            continue
        span = max(0, leave - enter)
        version = PUBLISHED_VERSION if published_ms is not None else FLOW_VERSION
        start_props: dict[str, Any] = {"flowVersion": version}
        if published_ms is not None:
            start_props["publishedTime"] = published_ms
        node(flow, "来电", "INCOMING_CALL", "Success", enter, enter, "开始", properties=start_props)
        greet = enter + span * (30 + int(rng.random() * 15)) // 100
        node(flow, "欢迎语", "PLAY_SAY", "Success", enter, greet, "播放欢迎语")
        if group is None and published_ms is None:  # the caller hung up in the menu
            node(flow, "按键菜单", "GATHER_INPUT", "Hangup", greet, leave, "按键选择服务")
            continue
        # The showcase call pressed 1 (order status), a menu entry the published version added.
        digits = "1" if published_ms is not None or group is None else str(group + 1)
        gathered = greet + (leave - greet) * (60 + int(rng.random() * 30)) // 100
        node(
            flow,
            "按键菜单",
            "GATHER_INPUT",
            "Success",
            greet,
            gathered,
            "按键选择服务",
            variables={"digits": digits},
        )
        channel += f";menu={digits}"
        if published_ms is not None or group is None:
            node(
                flow,
                FAILED_NODE,
                "JSON_PARSER",
                "Failure",
                gathered,
                leave,
                "解析订单查询结果",
                properties={"source": "orderResult", "path": "$.order.status"},
                variables={"error": "path $.order.status not found in orderResult"},
            )
            continue
        slug = group_slug(group)
        node(
            flow,
            "设置技能组",
            "SET_VARIABLES",
            "Success",
            gathered,
            gathered,
            "按键对应的技能组",
            variables={"skillGroup": slug},
        )
        channel += f";skillGroup={slug}"
        node(
            flow,
            "转人工",
            "TRANSFER_TO_AGENT",
            "Success",
            gathered,
            leave,
            "转技能组排队",
            properties={"skillGroupId": slug},
        )
    return tuple(steps)


def node_2020(step: IvrStep, instance_id: str) -> dict[str, Any]:
    """A ListIvrTrackingDetails (2020-07-01) row."""
    return {
        "ContactId": step.contact_id,
        "Instance": instance_id,
        "Caller": step.caller,
        "Callee": step.callee,
        "ChannelId": f"ch-{step.contact_id[-10:]}",
        "ChannelVariables": step.channel_variables,
        "FlowId": step.flow_id,
        "FlowName": step.flow_name,
        "NodeId": step.node_id,
        "NodeName": step.node_name,
        "NodeType": step.node_type,
        "NodeExitCode": step.exit_code,
        "NodeProperties": step.properties,
        "NodeVariables": step.variables,
        "EnterTime": step.enter_ms,
        "LeaveTime": step.leave_ms,
    }


def node_2017(step: IvrStep, instance_id: str) -> dict[str, Any]:
    """A ListIvrTrackingDetail (2017-07-05) `IvrTrackingDetail` item."""
    return {
        "ContactId": step.contact_id,
        "InstanceId": instance_id,
        "CallingNumber": step.caller,
        "CalledNumber": step.callee,
        "FlowName": step.flow_name,
        "NodeName": step.node_name,
        "NodeType": step.node_type,
        "Description": step.description,
        "InputData": ";".join(f"{k}={v}" for k, v in step.variables.items()),
        "OutputData": ";".join(f"{k}={v}" for k, v in step.properties.items()),
        "Status": step.exit_code,
        "StartTime": step.enter_ms,
        "StopTime": step.leave_ms,
    }
