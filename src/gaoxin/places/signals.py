"""Signals the places app sends for changes that bypass model signals (bulk writes)."""

from django.dispatch import Signal

# Sent with `zone` after a zone's walking network was replaced in bulk.
network_replaced = Signal()
