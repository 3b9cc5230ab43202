# Store benchmark (bench/store.sh, issue 4): ingestion through the whole
# path against plain COPY, lookups over 365 daily partitions against one,
# rdata lookups of a /24 against an inet btree, bytes per RRset and per
# observation; then the write path (bench/write-path.sh, issue 15): runs
# appended and compacted, against plain COPY and the bro-pdns-style peer;
# the freshness with the compaction worker (bench/freshness.sh, its own
# server, SCALE=0.2 unless FRESHNESS_SCALE is set); and the same records
# as Suricata eve into pdns and into balboa, DCSO's RocksDB store
# (bench/balboa.sh: bytes and ingestion rate).
# SCALE=0.1 for a quick run.
.PHONY: bench-store
bench-store:
	@SCALE=$(SCALE) bench/store.sh
	@SCALE=$(SCALE) bench/write-path.sh
	@SCALE=$(or $(FRESHNESS_SCALE),0.2) bench/freshness.sh
	@SCALE=$(SCALE) bench/balboa.sh
