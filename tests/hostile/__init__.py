"""Hostile inputs: files and connections an attacker or an accident could hand the app."""
