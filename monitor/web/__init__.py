"""The daemon's HTTP server: health, metrics, JSON API, status page."""
