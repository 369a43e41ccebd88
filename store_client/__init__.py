"""store-client: the counter-PC application of an omnichannel retail store."""

__version__ = "0.1.0"
