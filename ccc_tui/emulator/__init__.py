"""A local Alibaba Cloud Call Center (CCC) that speaks the real protocols: 2017-07-05 and 2.0.

`app.create_app()` is an ASGI app: use it in process through `httpx.ASGITransport` (the `--demo`
mode) or serve it over loopback with `server.serve` (`ccc-tui emulator`). It verifies signature V1
with the public demo key pair in `constants` and serves the seed examples verbatim plus thousands
of generated calls. Never imports Textual, nor the client it stands in for.

Modules, each with one job:

- `constants`: the demo key pair, instance id and port (cheap to import).
- `seeds`: the two example responses of the API pages, served verbatim.
- `vocabulary`: agents, skill groups, numbers, release reasons and the weights calls draw from.
- `builder`: `CallBuilder`, which draws one call's trail, and the `CallSummary` of a CDR row.
- `scenarios`: the generated calls' scenarios, their weights and builders.
- `specials`: the seed, huge and hostile calls.
- `showcase`: named calls for tests, docs and demos, when they happen, and the incident.
- `traffic`: planned calls on top of the ordinary traffic: repeat callers and the incident.
- `ids`: the generated contact id scheme.
- `dataset`: `Dataset`, the facade the app asks for calls, instances and users.
- `dataset2020`, `v2020`: the CCC 2.0 instance (API 2020-07-01, `constants.DEMO_INSTANCE_ID_2020`):
  the same calls in 2.0 shape under job-style ids, and its protocol (signature V3 and V1).
- `ivrtrack`: the IVR nodes a call passed, for both versions' IVR tracking APIs.
- `protocol`: what both versions' protocols share (gateway errors, requests, nonces, headers).
- `app`, `server`, `faults`, `bodies`, `audio`: the protocol, its transport, injected faults,
  JSON/XML bodies and the recordings' audio.
"""
