"""The emulator's other APIs: DownloadRecording with its pre-signed URLs, ListCallDetailRecords,
the instance, skill group and user listings."""

from __future__ import annotations

import io
import json
import wave
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import httpx
import pytest

from ccc_tui.emulator.app import EmulatorApp
from ccc_tui.emulator.audio import MAX_SECONDS, RATE, wav_bytes
from ccc_tui.emulator.bodies import to_json
from ccc_tui.emulator.constants import DEMO_INSTANCE_ID
from ccc_tui.emulator.dataset import CST, DAY_MS
from ccc_tui.emulator.seeds import SEED_RECORDING
from ccc_tui.emulator.showcase import INCIDENT, SHOWCASE, incident_window
from tests.test_emulator_protocol import (
    ANCHOR,
    NOW,
    assert_error,
    call,
    client_for,
    make_app,
)

CDR = "ListCallDetailRecords"
DAY0 = int(ANCHOR.timestamp() * 1000) - DAY_MS  # the day before the anchor, UTC


@pytest.fixture(scope="module")
def shared_app() -> EmulatorApp:
    return make_app()


@pytest.fixture
async def client(shared_app: EmulatorApp) -> Any:
    async with client_for(shared_app) as c:
        yield c


async def download_url(client: httpx.AsyncClient, file_name: str) -> str:
    response = await call(
        client, "DownloadRecording", {"InstanceId": DEMO_INSTANCE_ID, "FileName": file_name}
    )
    assert response.status_code == 200, response.text
    param = response.json()["MediaDownloadParam"]
    assert param["FileName"] == file_name
    quoted = param["SignatureUrl"]
    assert quoted.startswith('"') and quoted.endswith('"')  # as the service's docs warn
    return quoted[1:-1]


# --- recordings ---


async def test_download_the_seed_recording(client: httpx.AsyncClient) -> None:
    url = await download_url(client, SEED_RECORDING["FileName"])
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "http://127.0.0.1:8931"  # from the Host header
    query = parse_qs(parts.query)
    assert set(query) == {"Expires", "OSSAccessKeyId", "Signature"}
    assert int(query["Expires"][0]) == int(NOW.timestamp()) + 3600
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WAVE"
    with wave.open(io.BytesIO(response.content)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        assert wav.getnframes() == SEED_RECORDING["Duration"] * RATE
    head = await client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == response.headers["content-length"]


async def test_download_every_recording_of_a_transfer(client: httpx.AsyncClient) -> None:
    api = {"InstanceId": DEMO_INSTANCE_ID, "ContactId": SHOWCASE["inbound_transfer"]}
    recordings = (await call(client, "ListRecordingsByContactId", api)).json()
    files = recordings["Recordings"]["Recording"]
    bodies = []
    for rec in files:
        response = await client.get(await download_url(client, rec["FileName"]))
        assert response.status_code == 200
        with wave.open(io.BytesIO(response.content)) as wav:
            assert wav.getnframes() == min(rec["Duration"], MAX_SECONDS) * RATE
        bodies.append(response.content)
    assert len(bodies) == 2 and bodies[0] != bodies[1]
    assert all(len(b) < 1_000_000 for b in bodies)


async def test_a_hostile_file_name_round_trips(client: httpx.AsyncClient) -> None:
    api = {"InstanceId": DEMO_INSTANCE_ID, "ContactId": SHOWCASE["hostile"]}
    files = (await call(client, "ListRecordingsByContactId", api)).json()["Recordings"]["Recording"]
    evil = next(r["FileName"] for r in files if r["FileName"].startswith("../"))
    url = await download_url(client, evil)
    assert "/../" not in url and "\x1b" not in url
    assert (await client.get(url)).status_code == 200


def oss_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/xml"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Error" and root.findtext("Code") == code
    return root.findtext("Message") or ""


async def test_a_tampered_url_is_forbidden(client: httpx.AsyncClient) -> None:
    url = await download_url(client, SEED_RECORDING["FileName"])
    other_file = url.replace("153128491143400080327683", "153128491143400080327684")
    oss_error(await client.get(other_file), 403, "SignatureDoesNotMatch")
    later = url.replace("Expires=", "Expires=9")
    oss_error(await client.get(later), 403, "SignatureDoesNotMatch")
    bad_signature = url.replace("Signature=", "Signature=A")
    oss_error(await client.get(bad_signature), 403, "SignatureDoesNotMatch")
    head = await client.head(bad_signature)
    assert head.status_code == 403 and head.content == b""
    oss_error(await client.get(url.split("?")[0]), 403, "AccessDenied")
    oss_error(
        await client.get(url.replace("demo-oss-access-key-id", "x")), 403, "SignatureDoesNotMatch"
    )
    oss_error(await client.post(url), 405, "MethodNotAllowed")
    oss_error(await client.get("/oss/only-one-part"), 404, "NoSuchKey")


async def test_an_expired_url_is_forbidden() -> None:
    moments = [NOW]
    app = make_app(clock=lambda: moments[-1])
    async with client_for(app) as c:
        url = await download_url(c, SEED_RECORDING["FileName"])
        moments.append(NOW + timedelta(minutes=59))
        assert (await c.get(url)).status_code == 200
        moments.append(NOW + timedelta(minutes=61))
        assert "expired" in oss_error(await c.get(url), 403, "AccessDenied")


async def test_download_errors(client: httpx.AsyncClient) -> None:
    missing = await call(
        client,
        "DownloadRecording",
        {"InstanceId": DEMO_INSTANCE_ID, "FileName": "155549224600080315543.wav"},
    )
    assert_error(missing, 404, "NotExist.Record")
    instances = (await call(client, "ListInstancesOfUser")).json()["Instances"]
    other = instances["CallCenterInstance"][1]["InstanceId"]
    no_oss = await call(
        client, "DownloadRecording", {"InstanceId": other, "FileName": SEED_RECORDING["FileName"]}
    )
    assert_error(no_oss, 404, "OssNotOpen")
    accepted = await call(
        client,
        "DownloadRecording",
        {"InstanceId": DEMO_INSTANCE_ID, "FileName": SEED_RECORDING["FileName"], "Channel": "left"},
    )
    assert accepted.status_code == 200


def test_audio_is_deterministic_and_small() -> None:
    assert wav_bytes("a.wav", 12) == wav_bytes("a.wav", 12)
    assert wav_bytes("a.wav", 12) != wav_bytes("b.wav", 12)
    longest = wav_bytes("long.wav", 7200)
    assert len(longest) < 1_000_000
    with wave.open(io.BytesIO(longest)) as wav:
        assert wav.getnframes() == MAX_SECONDS * RATE
    with wave.open(io.BytesIO(wav_bytes("zero.wav", 0))) as wav:
        assert wav.getnframes() == RATE  # never an empty file
    assert wav_bytes("x.wav", None) == wav_bytes("x.wav", "nonsense")  # type: ignore[arg-type]


# --- ListCallDetailRecords ---


async def cdr(client: httpx.AsyncClient, **api: Any) -> httpx.Response:
    params = {"InstanceId": DEMO_INSTANCE_ID, "PageNumber": "1", "PageSize": "100"}
    params.update({k: str(v) for k, v in api.items()})
    return await call(client, CDR, params)


async def all_pages(client: httpx.AsyncClient, size: int = 100, **api: Any) -> tuple[int, list]:
    rows: list[dict[str, Any]] = []
    total = None
    number = 1
    while True:
        body = (await cdr(client, PageNumber=number, PageSize=size, **api)).json()
        records = body["CallDetailRecords"]
        if number == 1:
            total = records["TotalCount"]
        else:
            assert records["TotalCount"] == 0  # filled on page 1 only
        assert records["PageNumber"] == number and records["PageSize"] == size
        page = records["List"]["CallDetailRecord"]
        rows += page
        if len(page) < size:
            break
        number += 1
    assert total is not None
    return total, rows


async def test_paging_through_a_day(client: httpx.AsyncClient, shared_app: EmulatorApp) -> None:
    total, rows = await all_pages(client, StartTime=DAY0, StopTime=DAY0 + DAY_MS - 1)
    expected = [s.contact_id for s in shared_app.dataset.summaries(DAY0, DAY0 + DAY_MS - 1)]
    assert [r["ContactId"] for r in rows] == expected
    assert total == len(rows) > 150
    showcase = set(SHOWCASE.values()) - {"1096645650", "2020927020"}
    assert showcase <= {r["ContactId"] for r in rows}
    starts = [r["StartTime"] for r in rows]
    assert starts == sorted(starts) and all(DAY0 <= s < DAY0 + DAY_MS for s in starts)
    small_total, small_rows = await all_pages(client, 7, StartTime=DAY0, StopTime=DAY0 + 3600_000)
    assert small_total == len(small_rows)
    assert small_rows == [r for r in rows if r["StartTime"] <= DAY0 + 3600_000]


async def test_a_page_past_the_end_is_empty(client: httpx.AsyncClient) -> None:
    body = (await cdr(client, PageNumber=99, StartTime=DAY0, StopTime=DAY0 + DAY_MS)).json()
    assert body["CallDetailRecords"]["List"]["CallDetailRecord"] == []
    assert body["CallDetailRecords"]["TotalCount"] == 0


async def test_descending_order(client: httpx.AsyncClient) -> None:
    _, ascending = await all_pages(client, StartTime=DAY0, StopTime=DAY0 + 6 * 3600_000)
    _, descending = await all_pages(
        client, StartTime=DAY0, StopTime=DAY0 + 6 * 3600_000, OrderBy="DESC"
    )
    assert descending == ascending[::-1]
    assert_error(await cdr(client, OrderBy="SIDEWAYS"), 400, "InvalidParameter")


async def test_default_window_is_today_in_the_service_zone(client: httpx.AsyncClient) -> None:
    _, rows = await all_pages(client)
    midnight = NOW.astimezone(CST).replace(hour=0, minute=0, second=0, microsecond=0)
    assert rows
    assert all(
        midnight.timestamp() * 1000 <= r["StartTime"] <= NOW.timestamp() * 1000 for r in rows
    )


@pytest.mark.parametrize(
    ("api", "code"),
    [
        ({"PageSize": 101}, "InvalidParameter"),
        ({"PageSize": 0}, "InvalidParameter"),
        ({"PageNumber": 0}, "InvalidParameter"),
        ({"PageNumber": "one"}, "InvalidParameter"),
        ({"StartTime": "yesterday"}, "InvalidParameter"),
        ({"StartTime": DAY0 - 7 * DAY_MS - 1, "StopTime": DAY0}, "InvalidTimeRange"),
        ({"StartTime": DAY0, "StopTime": DAY0 - 1}, "InvalidTimeRange"),
        # StopTime defaults to now, StartTime to the start of today: each can break the limit.
        ({"StartTime": int(NOW.timestamp() * 1000) - 8 * DAY_MS}, "InvalidTimeRange"),
        ({"StopTime": int(NOW.timestamp() * 1000) + 7 * DAY_MS}, "InvalidTimeRange"),
    ],
)
async def test_bad_paging_and_windows(
    client: httpx.AsyncClient, api: dict[str, Any], code: str
) -> None:
    assert_error(await cdr(client, **api), 400, code)


async def test_the_limits_are_named_in_the_errors(client: httpx.AsyncClient) -> None:
    body = assert_error(await cdr(client, PageSize=500), 400, "InvalidParameter")
    assert "PageSize" in body["Message"] and "100" in body["Message"]
    eight_days = {"StartTime": DAY0 - 7 * DAY_MS, "StopTime": DAY0 + DAY_MS}
    body = assert_error(await cdr(client, **eight_days), 400, "InvalidTimeRange")
    assert "7 days" in body["Message"]
    # One call by its id needs no window: the limit does not apply.
    response = await cdr(client, ContactId=SHOWCASE["huge"], **eight_days)
    assert response.json()["CallDetailRecords"]["TotalCount"] == 1


async def test_a_seven_day_window_is_allowed(client: httpx.AsyncClient) -> None:
    response = await cdr(client, PageSize=1, StartTime=DAY0 - 6 * DAY_MS, StopTime=DAY0 + DAY_MS)
    assert response.status_code == 200
    assert response.json()["CallDetailRecords"]["TotalCount"] > 1000


async def test_missing_page_size(client: httpx.AsyncClient) -> None:
    response = await call(client, CDR, {"InstanceId": DEMO_INSTANCE_ID, "PageNumber": "1"})
    assert_error(response, 400, "MissingPageSize")


async def test_filters(client: httpx.AsyncClient) -> None:
    window = {"StartTime": DAY0 - 2 * DAY_MS, "StopTime": DAY0 + DAY_MS - 1}
    _, everything = await all_pages(client, **window)

    _, inbound = await all_pages(client, ContactType="Inbound", **window)
    assert inbound == [r for r in everything if r["ContactType"] == "Inbound"]
    _, two_types = await all_pages(client, ContactType="Outbound, PrivacyDial", **window)
    assert two_types == [r for r in everything if r["ContactType"] in ("Outbound", "PrivacyDial")]
    assert {r["ContactType"] for r in two_types} == {"Outbound", "PrivacyDial"}

    wanted = {"AbandonedInQueue", "AbandonedRing"}
    _, abandoned = await all_pages(client, ContactDisposition=",".join(wanted), **window)
    assert abandoned == [r for r in everything if r["ContactDisposition"] in wanted]
    assert {r["ContactDisposition"] for r in abandoned} == wanted

    _, by_number = await all_pages(client, PhoneNumber="4008001234", **window)
    assert by_number and by_number == [
        r for r in everything if "4008001234" in (r["CallingNumber"], r["CalledNumber"])
    ]
    assert {r["ContactType"] for r in by_number} > {"Inbound", "Outbound"}  # called, or calling

    _, xiaofang = await all_pages(client, Criteria="小芳", **window)
    assert xiaofang == [r for r in everything if "小芳" in r["AgentNames"].split(",")]
    _, group = await all_pages(client, Criteria="售后服务", **window)
    assert group and all("售后服务" in r["SkillGroupNames"] for r in group)
    customer = next(r for r in everything if r["ContactType"] == "Inbound")["CallingNumber"]
    _, by_customer = await all_pages(client, Criteria=customer[3:9], **window)
    assert customer in {r["CallingNumber"] for r in by_customer}
    _, nothing = await all_pages(client, Criteria="no such agent", **window)
    assert nothing == []


async def test_phone_number_is_the_centres_and_criteria_the_customers(
    client: httpx.AsyncClient,
) -> None:
    """PhoneNumber takes a number of the call centre: a customer's number there finds nothing
    (a client that sends it there fails here), while Criteria finds that customer's calls."""
    window = {"StartTime": DAY0, "StopTime": DAY0 + DAY_MS - 1}
    _, mine = await all_pages(client, Criteria=INCIDENT.caller, **window)
    assert len(mine) == len(INCIDENT.caller_calls)
    assert {INCIDENT.caller} == {
        r["CallingNumber"] if r["ContactType"] == "Inbound" else r["CalledNumber"] for r in mine
    }
    assert await all_pages(client, PhoneNumber=INCIDENT.caller, **window) == (0, [])
    # A centre number is not something Criteria matches.
    assert await all_pages(client, Criteria="4008001234", **window) == (0, [])


async def test_the_incident_through_the_api(client: httpx.AsyncClient) -> None:
    start, stop = incident_window(ANCHOR)
    window = {"StartTime": int(start.timestamp() * 1000), "StopTime": int(stop.timestamp() * 1000)}
    _, queue = await all_pages(client, 20, Criteria=INCIDENT.skill_group, **window)
    lost = {"AbandonedInQueue", "QueueOverflow", "AbandonedRing"}
    _, abandoned = await all_pages(
        client, 20, Criteria=INCIDENT.skill_group, ContactDisposition=",".join(lost), **window
    )
    assert len(queue) >= 20 and len(abandoned) >= 0.75 * len(queue)
    assert abandoned == [r for r in queue if r["ContactDisposition"] in lost]


async def test_without_recordings(client: httpx.AsyncClient) -> None:
    with_them = (await cdr(client, StartTime=DAY0, StopTime=DAY0 + DAY_MS)).json()
    without = (
        await cdr(client, StartTime=DAY0, StopTime=DAY0 + DAY_MS, WithRecording="false")
    ).json()
    rows = with_them["CallDetailRecords"]["List"]["CallDetailRecord"]
    bare = without["CallDetailRecords"]["List"]["CallDetailRecord"]
    assert any(r["Recordings"]["Recording"] for r in rows)
    assert all("Recordings" not in r for r in bare)
    assert [{k: v for k, v in r.items() if k != "Recordings"} for r in rows] == bare


async def test_one_call_by_contact_id_ignores_the_other_filters(client: httpx.AsyncClient) -> None:
    body = (await cdr(client, ContactId="2020927020", ContactType="Inbound")).json()
    records = body["CallDetailRecords"]
    assert records["TotalCount"] == 1
    row = records["List"]["CallDetailRecord"][0]
    assert row["ContactId"] == "2020927020" and row["StartTime"] == 1531284905000
    assert row["Recordings"]["Recording"] == [SEED_RECORDING]
    assert row["AgentNames"] == "小芳"
    unknown = (await cdr(client, ContactId="1234567890")).json()["CallDetailRecords"]
    assert unknown["TotalCount"] == 0 and unknown["List"]["CallDetailRecord"] == []


async def test_cdr_in_xml_wraps_lists(client: httpx.AsyncClient) -> None:
    response = await call(
        client,
        CDR,
        {
            "InstanceId": DEMO_INSTANCE_ID,
            "PageNumber": "1",
            "PageSize": "5",
            "StartTime": str(DAY0),
            "StopTime": str(DAY0 + DAY_MS),
        },
        fmt="XML",
    )
    root = ElementTree.fromstring(response.content)
    assert root.tag == "ListCallDetailRecordsResponse"
    items = root.findall("CallDetailRecords/List/CallDetailRecord")
    assert len(items) == 5
    assert items[0].find("Agents/CallDetailAgent/AgentId") is not None


# --- instances, skill groups, users ---


async def test_instances(client: httpx.AsyncClient) -> None:
    body = (await call(client, "ListInstancesOfUser")).json()
    instances = body["Instances"]["CallCenterInstance"]
    assert instances[0]["InstanceId"] == DEMO_INSTANCE_ID
    assert len(instances) == 2
    for instance in instances:
        assert {
            "InstanceId",
            "InstanceName",
            "InstanceDescription",
            "Status",
            "DomainName",
            "ConsoleUrl",
            "CreatedTime",
        } <= set(instance)
    one = (await call(client, "GetInstance", {"InstanceId": DEMO_INSTANCE_ID})).json()
    assert one["Instance"]["InstanceId"] == DEMO_INSTANCE_ID
    assert one["Instance"]["PhoneNumbers"]["PhoneNumber"]
    assert_error(await call(client, "GetInstance", {"InstanceId": "x"}), 404, "NotExist.Instance")


async def test_skill_groups_and_users(client: httpx.AsyncClient) -> None:
    groups = (await call(client, "ListSkillGroups", {"InstanceId": DEMO_INSTANCE_ID})).json()
    names = {g["SkillGroupName"] for g in groups["SkillGroups"]["SkillGroup"]}
    assert {"售后服务组", "English Hotline"} <= names
    page = (
        await call(
            client,
            "ListUsers",
            {"InstanceId": DEMO_INSTANCE_ID, "PageNumber": "2", "PageSize": "10"},
        )
    ).json()["Users"]
    assert page["TotalCount"] == 15 and page["PageNumber"] == 2
    assert len(page["List"]["User"]) == 5
    first = (
        await call(
            client,
            "ListUsers",
            {"InstanceId": DEMO_INSTANCE_ID, "PageNumber": "1", "PageSize": "10"},
        )
    ).json()["Users"]
    assert first["List"]["User"][0]["Detail"]["DisplayName"] == "小芳"


async def test_the_hostile_call_is_well_formed_in_both_formats(client: httpx.AsyncClient) -> None:
    api = {"InstanceId": DEMO_INSTANCE_ID, "ContactId": SHOWCASE["hostile"]}
    as_json = (await call(client, "ListCallEventDetailByContactId", api)).json()
    names = {e.get("AgentName") for e in as_json["Data"]["Events"]["CallEventDetail"]}
    assert "\x1b[31mRed\x1b[0m Agent\x1b[2J" in names  # sent as data, unaltered
    assert "\\u001b[31m" in json.dumps(as_json)
    as_xml = await call(client, "ListCallEventDetailByContactId", api, fmt="XML")
    root = ElementTree.fromstring(as_xml.content)  # NUL and friends cannot break the document
    trail = root.findall("Data/Events/CallEventDetail")
    assert len(trail) == len(as_json["Data"]["Events"]["CallEventDetail"])
    tags = {child.tag for e in trail for child in e.find("DetailData")}  # type: ignore[union-attr]
    assert "_b_Key__b_" in tags  # a key that is no XML name still arrives, as a safe tag


async def test_cdr_rows_are_serialised_once_and_read_the_same(
    client: httpx.AsyncClient, shared_app: EmulatorApp
) -> None:
    """A JSON page splices in each row serialised once; the bytes are those of the row itself,
    a second read gives the same body, and XML still gets every row as elements."""
    window = {"StartTime": DAY0, "StopTime": DAY0 + 6 * 3600_000, "PageSize": 20}
    first = await cdr(client, **window, PageNumber=2)
    again = await cdr(client, **window, PageNumber=2)
    rows = first.json()["CallDetailRecords"]["List"]["CallDetailRecord"]
    assert len(rows) == 20
    assert again.json()["CallDetailRecords"] == first.json()["CallDetailRecords"]
    dataset = shared_app.dataset
    expected = [dataset.cdr_row(s) for s in dataset.summaries(DAY0, DAY0 + 6 * 3600_000)][20:40]
    assert rows == expected
    assert all(to_json(row) in first.content for row in expected)  # each row's own bytes
    summary = dataset.summary(rows[0]["ContactId"])
    assert summary is not None
    assert bytes(dataset.cdr_row_json(summary)) == to_json(expected[0])
    assert dataset.cdr_row_json(summary) is dataset.cdr_row_json(summary)
    without = await cdr(client, **window, PageNumber=2, WithRecording="false")
    listed = without.json()["CallDetailRecords"]["List"]["CallDetailRecord"]
    assert [r["ContactId"] for r in listed] == [r["ContactId"] for r in rows]
    assert all("Recordings" not in r for r in listed)
    as_xml = await call(
        client,
        CDR,
        {
            "InstanceId": DEMO_INSTANCE_ID,
            "PageNumber": "2",
            **{k: str(v) for k, v in window.items()},
        },
        fmt="XML",
    )
    items = ElementTree.fromstring(as_xml.content).findall(
        "CallDetailRecords/List/CallDetailRecord"
    )
    assert [i.findtext("ContactId") for i in items] == [r["ContactId"] for r in rows]
