# Scale-out benchmark (issue 20): three shards and a coordinator
# (pdns_cluster) against one server holding the same data, as databases of
# the server of PG*: ingestion through the coordinator and lookups from a
# client (bench/scale-out.sh).  SCALE=0.1 for a quick run.
.PHONY: bench-scale-out
bench-scale-out:
	@SCALE=$(SCALE) bench/scale-out.sh
