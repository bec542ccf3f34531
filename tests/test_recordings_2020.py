"""On CCC 2.0 the recording operations name the call, not the file: every recording of a call with
several still downloads its own file."""

from __future__ import annotations

from ccc_tui.emulator.constants import DEMO_INSTANCE_ID_2020
from ccc_tui.emulator.showcase import SHOWCASE_2020
from ccc_tui.profiles.demo import demo_client


async def test_each_recording_of_a_transferred_call_gets_its_own_url() -> None:
    contact = SHOWCASE_2020["inbound_transfer"]
    async with demo_client(instance_id=DEMO_INSTANCE_ID_2020) as client:
        recordings = await client.list_recordings(contact)
        assert len({r.file_name for r in recordings}) == len(recordings) >= 2
        for rec in recordings:
            link = await client.get_download_link(
                rec.file_name, contact_id=contact, channel=rec.channel or None
            )
            assert link.file_name == rec.file_name
            assert rec.file_name in link.url
