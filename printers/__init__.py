"""Receipt printing: a device-independent document, renderers and a persistent print queue.

Everything here is Qt-free except :mod:`printers.preview`.
"""
