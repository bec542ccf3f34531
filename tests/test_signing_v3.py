"""Signature V3 (ACS3-HMAC-SHA256) against vectors made with the official SDK's own signer
(`alibabacloud_tea_openapi.utils.Utils.get_authorization`, see docs/api-notes.md), and against that
signer live on generated requests."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccc_tui.api import signing

DATE = "2026-11-01T08:00:00Z"
EMPTY = hashlib.sha256(b"").hexdigest()
VECTORS = [
    (
        "A",
        {"InstanceId": "ccc-test", "ContactId": "job-1234567890"},
        {
            "host": "ccc.cn-shanghai.aliyuncs.com",
            "x-acs-action": "GetCallDetailRecord",
            "x-acs-version": "2020-07-01",
            "x-acs-date": DATE,
            "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
        },
        b"",
        ("YourAccessKeyId", "YourAccessKeySecret"),
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
        "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
        "Signature=defb58da5cf10ce9bc737a49f11280a927a33b5758dc1931995b3b3786c2f00d",
    ),
    (
        "B",
        {"InstanceId": "ccc-test", "ContactTypeList": '["INBOUND","OUTBOUND"]', "Criteria": "李 娜*~"},
        {
            "host": "ccc.cn-shanghai.aliyuncs.com",
            "x-acs-action": "ListCallDetailRecordsV2",
            "x-acs-version": "2020-07-01",
            "x-acs-date": DATE,
            "x-acs-signature-nonce": "n-2",
            "x-acs-security-token": "STS.token/+=",
        },
        b"",
        ("STS.NUkey", "sts-secret"),
        "ACS3-HMAC-SHA256 Credential=STS.NUkey,SignedHeaders=host;x-acs-action;"
        "x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;"
        "x-acs-version,"
        "Signature=6d8567fbbdb40fa444e14d3f37b7b6211576d9a8ede132f8b0fc4b242fade485",
    ),
    (
        "C",
        {},
        {
            "host": "127.0.0.1:8931",
            "x-acs-action": "ListMonoRecordings",
            "x-acs-version": "2020-07-01",
            "x-acs-date": DATE,
            "x-acs-signature-nonce": "n-3",
            "content-type": "application/x-www-form-urlencoded",
        },
        b"InstanceId=ccc-test&ContactId=job-1",
        ("demo-access-key-id", "demo-access-key-secret"),
        "ACS3-HMAC-SHA256 Credential=demo-access-key-id,SignedHeaders=content-type;host;"
        "x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
        "Signature=91852e5b12bdaac87c6ee4744ea37909b719ce79766548d29d2c48c0fef41754",
    ),
]


@pytest.mark.parametrize(("name", "query", "headers", "body", "keys", "expected"), VECTORS)
def test_published_vectors(
    name: str,
    query: dict[str, str],
    headers: dict[str, str],
    body: bytes,
    keys: tuple[str, str],
    expected: str,
) -> None:
    payload = signing.hashed_payload(body)
    signed = {**headers, "x-acs-content-sha256": payload}
    assert signing.authorization_v3(*keys, "POST", "/", query, signed, payload) == expected
    parsed = signing.parse_authorization_v3(expected)
    assert parsed is not None and parsed[0] == keys[0]


def test_the_empty_body_hash() -> None:
    assert signing.hashed_payload(b"") == EMPTY


safe_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=20
)


@settings(max_examples=200, deadline=None)
@given(
    query=st.dictionaries(st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,12}", fullmatch=True), safe_text),
    action=st.from_regex(r"[A-Z][A-Za-z0-9]{2,30}", fullmatch=True),
    body=st.binary(max_size=64),
    secret=st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=40),
)
def test_agrees_with_the_official_signer(
    query: dict[str, str], action: str, body: bytes, secret: str
) -> None:
    utils = pytest.importorskip("alibabacloud_tea_openapi.utils")
    payload = signing.hashed_payload(body)
    headers = {
        "host": "ccc.cn-shanghai.aliyuncs.com",
        "x-acs-action": action,
        "x-acs-version": "2020-07-01",
        "x-acs-date": DATE,
        "x-acs-signature-nonce": "nonce",
        "x-acs-content-sha256": payload,
    }
    request = SimpleNamespace(pathname="/", query=query, headers=headers, method="POST")
    theirs = utils.Utils.get_authorization(request, "ACS3-HMAC-SHA256", payload, "key", secret)
    ours = signing.authorization_v3("key", secret, "POST", "/", query, headers, payload)
    assert ours == theirs


@pytest.mark.parametrize(
    "value",
    ["", "ACS3-HMAC-SHA256", "ACS3-HMAC-SHA256 Credential=a", "HMAC-SHA1 Credential=a,SignedHeaders=host,Signature=x",
     "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=x"],
)  # fmt: skip
def test_malformed_authorization_headers_are_refused(value: str) -> None:
    assert signing.parse_authorization_v3(value) is None
