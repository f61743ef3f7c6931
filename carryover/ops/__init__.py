"""Operations: readiness, metrics, backup and restore, key rotation (issue 19; docs/deploy.md)."""
