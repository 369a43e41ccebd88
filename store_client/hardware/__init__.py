"""Store hardware beside the UI: barcode scanners (keyboard wedge, serial) and the customer display."""
