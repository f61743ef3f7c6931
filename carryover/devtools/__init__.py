"""Developer tools: the demo practice, the benchmarks and their data generators, and their commands.

Installed only outside production (`settings.py` adds it when `CARRYOVER_ENV` is not `production`), so a production
install neither lists `load_demo` / `bench_*` nor needs the dev-only packages they use (aiosmtpd). Product apps never
import this package (docs/ARCHITECTURE.md; `lint-imports` holds it)."""
