# make fuzz-long: every libFuzzer harness for FUZZ_LONG_SECONDS (default
# 180) each, on a corpus kept between runs in test/fuzz/corpus/<name>/
# (git-ignored; the seeds of test/fuzz/seeds/<name>/ are copied in at each
# run), so that runs build on one another instead of each starting over
# from the seeds like `make fuzz`.  A counter file per harness,
# test/fuzz/corpus/<name>.inputs, holds the inputs run so far; each harness
# ends with one line:
#	fuzz-long: <name> <this run> inputs, <cumulative> cumulative, corpus <N> files
# A crash leaves its input as test/fuzz/corpus/<name>-crash-* and the log
# as test/fuzz/corpus/<name>.log, and fails the target after the others ran.
# FUZZ_LONG_HARNESSES="rdata message" runs only those.

FUZZ_LONG_SECONDS   ?= 180
FUZZ_LONG_HARNESSES ?= $(patsubst $(FUZZ_BIN)/fuzz_%,%,$(FUZZERS))
FUZZ_CORPUS          = test/fuzz/corpus

.PHONY: fuzz-long

fuzz-long: $(patsubst %,$(FUZZ_BIN)/fuzz_%,$(FUZZ_LONG_HARNESSES))
	@status=0; for name in $(FUZZ_LONG_HARNESSES); do \
		f=$(FUZZ_BIN)/fuzz_$$name; dir=$(FUZZ_CORPUS)/$$name; log=$(FUZZ_CORPUS)/$$name.log; \
		mkdir -p $$dir; cp -n test/fuzz/seeds/$$name/* $$dir/ 2>/dev/null; \
		echo "fuzz-long: $$name for $(FUZZ_LONG_SECONDS)s"; \
		if $$f -max_total_time=$(FUZZ_LONG_SECONDS) -max_len=4096 -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ_CORPUS)/$$name- \
			$$dir > $$log 2>&1; then ok=1; else ok=0; status=1; fi; \
		runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
		total=$$(( $$(cat $(FUZZ_CORPUS)/$$name.inputs 2>/dev/null || echo 0) + $${runs:-0} )); \
		echo $$total > $(FUZZ_CORPUS)/$$name.inputs; \
		echo "fuzz-long: $$name $${runs:-0} inputs, $$total cumulative, corpus $$(ls $$dir | wc -l) files"; \
		if [ $$ok = 1 ]; then rm -f $$log; else echo "fuzz-long: $$name FAILED (log $$log)"; tail -40 $$log; fi; \
	done; exit $$status
