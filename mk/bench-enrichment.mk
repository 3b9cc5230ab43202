# Enrichment benchmark (bench/run-enrichment.sh) against the server in PG*.
.PHONY: bench-enrichment
bench-enrichment:
	@bench/run-enrichment.sh
