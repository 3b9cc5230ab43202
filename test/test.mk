# Test targets beyond pg_regress; included by the top-level Makefile.
