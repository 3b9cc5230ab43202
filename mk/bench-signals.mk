# Search and signals benchmarks (issue 18): regex and glob search against
# the sequential regular expression over the store's RRsets
# (bench/search.sh), and the dashboards' rollups: what compaction spends
# on them and "the top 20 domains by new names this month" over a year of
# daily rollups (bench/rollups.sh).  SCALE=0.1 for a quick run.
.PHONY: bench-search bench-rollups
bench-search:
	@SCALE=$(SCALE) bench/search.sh
bench-rollups:
	@SCALE=$(SCALE) bench/rollups.sh
