"""The CCC API layer: signing, the shared client, the domain model. Never imports Textual."""
