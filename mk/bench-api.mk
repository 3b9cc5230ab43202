# pdns-api benchmark (bench/api.sh): one-name lookups over HTTP (wrk)
# against the same lookups through pgbench, and a 1 000 000-row streamed
# answer through curl against psql's \copy, with pdns-api's peak RSS.
# Makes a throwaway cluster unless PGHOST is set.  SCALE=0.1 for a quick
# run (the 1 050 000 RRsets below big.example do not scale).
.PHONY: bench-api
bench-api:
	@SCALE=$(SCALE) bench/api.sh
