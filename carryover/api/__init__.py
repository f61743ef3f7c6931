"""The REST API (`/api/v1/`): personal access tokens, and endpoints that call the same services and access helpers
as the web pages (docs/api.md)."""
