from tests.store.conftest import clock, pg_problem, pg_shared_url, sqlite_template, store  # noqa: F401
