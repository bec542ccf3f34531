"""Signature V1: the four published vectors of ccc-api.md §2, reproduced exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from ccc_tui.api import signing

SECRET = "testsecret"

VECTOR_A = {
    "Action": "DescribeRegions",
    "Version": "2014-05-26",
    "Format": "XML",
    "AccessKeyId": "testid",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureVersion": "1.0",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "Timestamp": "2016-02-23T12:46:24Z",
}

VECTOR_B = {
    "Action": "ListRecordingsByContactId",
    "Format": "json",
    "Version": "2017-07-05",
    "Timestamp": "2024-01-02T03:04:05Z",
    "SignatureNonce": "c0ffee000000400080000000000000a1",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureVersion": "1.0",
    "AccessKeyId": "testid",
    "ContactId": "2020927020",
    "InstanceId": "9cfad875-6260-4a53-ab6e-b13e3fb31f7d",
}

VECTOR_C = {
    "Action": "ListCallEventDetailByContactId",
    "Version": "2017-07-05",
    "Format": "JSON",
    "AccessKeyId": "testid",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureVersion": "1.0",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "Timestamp": "2016-02-23T12:46:24Z",
    "RegionId": "cn-shanghai",
    "InstanceId": "9cfad875-6260-4a53-ab6e-b13e3fb31f7d",
    "ContactId": "1096645650",
}

VECTOR_D = {
    "Action": "ListCallDetailRecords",
    "Version": "2017-07-05",
    "Format": "JSON",
    "AccessKeyId": "testid",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureVersion": "1.0",
    "SignatureNonce": "c0ffee00-0000-4000-8000-000000000001",
    "Timestamp": "2024-01-02T03:04:05Z",
    "RegionId": "cn-shanghai",
    "InstanceId": "my-instance",
    "Criteria": "a b*c~d+e/f:g=h&i张",
    "PhoneNumber": "+8613800000000",
}


def test_vector_a_string_to_sign_and_signature() -> None:
    assert signing.string_to_sign("GET", VECTOR_A) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
        "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
        "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
    )
    assert signing.sign("GET", VECTOR_A, SECRET) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_vector_b_post_with_body_params() -> None:
    assert signing.sign("POST", VECTOR_B, SECRET) == "A9nY0hyFpoPCDEIrFxp1hGkJcIw="


def test_vector_b_with_sts_token() -> None:
    params = {**VECTOR_B, "SecurityToken": "CAIS-test-sts-token"}
    assert signing.sign("POST", params, SECRET) == "49MIZIIfm2icNw2Qk8POJw+BoL4="


def test_vector_c_everything_in_query() -> None:
    assert signing.sign("POST", VECTOR_C, SECRET) == "Qm577+mZk4cZ7FhT5C1ftWTK6Mo="


def test_vector_d_encoding_edge_cases() -> None:
    sts = signing.string_to_sign("POST", VECTOR_D)
    assert "Criteria%3Da%2520b%252Ac~d%252Be%252Ff%253Ag%253Dh%2526i%25E5%25BC%25A0" in sts
    assert signing.sign("POST", VECTOR_D, SECRET) == "LXHhufjPdJmXxarbmicC5C5X0UE="


def test_signature_param_is_not_signed() -> None:
    with_sig = {**VECTOR_C, "Signature": "anything"}
    assert signing.sign("POST", with_sig, SECRET) == signing.sign("POST", VECTOR_C, SECRET)


def test_method_is_part_of_the_signature() -> None:
    assert signing.sign("GET", VECTOR_C, SECRET) != signing.sign("POST", VECTOR_C, SECRET)


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [(" ", "%20"), ("*", "%2A"), ("~", "~"), ("+", "%2B"), ("/", "%2F"), ("张", "%E5%BC%A0")],
)
def test_percent_encode(raw: str, encoded: str) -> None:
    assert signing.percent_encode(raw) == encoded


def test_verify_accepts_good_and_rejects_wrong_secret() -> None:
    sig = signing.sign("POST", VECTOR_B, SECRET)
    assert signing.verify("POST", VECTOR_B, SECRET, sig)
    assert not signing.verify("POST", VECTOR_B, "othersecret", sig)


def test_timestamp_round_trip_and_format() -> None:
    moment = datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    text = signing.format_timestamp(moment)
    assert text == "2024-01-02T03:04:05Z"
    assert signing.parse_timestamp(text) == moment.replace(microsecond=0)
    with pytest.raises(ValueError):
        signing.parse_timestamp("2024-01-02 03:04:05")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Shanghai, 8 h ahead: 01:04:05 local on the 2nd is 17:04:05 UTC on the 1st.
        (datetime(2024, 1, 2, 1, 4, 5, tzinfo=ZoneInfo("Asia/Shanghai")), "2024-01-01T17:04:05Z"),
        # New York in summer, 4 h behind: the UTC day is the next one.
        (datetime(2024, 7, 1, 22, 30, tzinfo=ZoneInfo("America/New_York")), "2024-07-02T02:30:00Z"),
        (
            datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=5, minutes=45))),
            "2024-01-01T21:19:05Z",
        ),
    ],
)
def test_timestamp_of_an_aware_non_utc_time_is_its_utc_time(
    moment: datetime, expected: str
) -> None:
    assert signing.format_timestamp(moment) == expected
    assert signing.parse_timestamp(expected) == moment


def test_nonces_are_unique() -> None:
    assert len({signing.new_nonce() for _ in range(1000)}) == 1000
