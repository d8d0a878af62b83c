from tests.store.conftest import clock, pg_problem, sqlite_template, store  # noqa: F401
