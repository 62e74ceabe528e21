"""The desk's locale formats (settings.FORMAT_MODULE_PATH): British English, and French with
a narrow no-break space between thousands. What is not set here comes from Django's own."""
