"""The agreement page's ratification map and timeline: server-rendered, accessible SVG."""
