"""The credential chain. Never imports Textual; keyring is imported lazily, off the startup path.

For now the chain is the environment: `ALIBABA_CLOUD_*`, then `ALICLOUD_*`, then `ALIYUN_*`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.api.errors import CredentialsError

ENV_PREFIXES = ("ALIBABA_CLOUD", "ALICLOUD", "ALIYUN")


def from_env(env: Mapping[str, str] | None = None) -> AccessKey | None:
    env = os.environ if env is None else env
    for prefix in ENV_PREFIXES:
        key_id = env.get(f"{prefix}_ACCESS_KEY_ID", "").strip()
        secret = env.get(f"{prefix}_ACCESS_KEY_SECRET", "").strip()
        if key_id and secret:
            token = env.get(f"{prefix}_SECURITY_TOKEN", "").strip()
            return AccessKey(
                key_id=key_id,
                secret=Secret(secret),
                security_token=Secret(token) if token else None,
                source=f"env {prefix}_ACCESS_KEY_ID",
            )
    return None


def resolve_credentials(profile: str | None = None, env: Mapping[str, str] | None = None) -> AccessKey:
    """The first source of the chain that yields a key pair; CredentialsError when none does."""
    found = from_env(env)
    if found is None:
        raise CredentialsError(
            "No Alibaba Cloud credentials found.",
            hint=(
                "Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET "
                "(plus ALIBABA_CLOUD_SECURITY_TOKEN for STS), or try --demo."
            ),
        )
    return found
