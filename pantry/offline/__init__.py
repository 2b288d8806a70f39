"""Logging at the fridge without signal: the service worker, the manifest that makes Pantry
installable, a fresh CSRF token for the outbox, and long-lived caching of versioned files."""
