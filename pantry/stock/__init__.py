"""Stock: items, batches by best-before date, and the append-only ledger of movements."""
