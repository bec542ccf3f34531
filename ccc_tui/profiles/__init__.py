"""Where the app points and as whom: config, credentials, sessions, diagnostics. No Textual."""
