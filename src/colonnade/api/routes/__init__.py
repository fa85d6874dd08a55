"""Versioned routes of the Intelligence API."""
