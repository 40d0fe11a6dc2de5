"""Live suite: lsnrmine against a real Oracle Database (gvenzl/oracle-free via testcontainers, or
the database named by LSNRMINE_TEST_DSN). How to run it: docs/live-suite.md."""
