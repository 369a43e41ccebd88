"""The checkout screen's parts: cart model, dialogs, scan routing, service calls."""
