"""Test and benchmark harnesses: the kill soak, a fake network printer, mutation testing of
the money modules. Not part of the installed app; nothing under store_client/, sync/ or
printers/ imports this package."""
