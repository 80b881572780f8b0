"""Tandem's locale formats, over Django's (``FORMAT_MODULE_PATH = ["tandem.web.formats"]``)."""
