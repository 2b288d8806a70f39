"""Asks ("I'd need..."), promises ("I'll bring..."), the needs list they change, and the
network-wide search "Where can I find...". Stands on stock and sites; stock never imports it:
a restock reaches the promises through the ledger's `movement_recorded` signal (pantry.signals)."""
