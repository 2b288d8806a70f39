"""Tags: the printed QR labels, the scan pages they open, and the sheets they are printed on."""
