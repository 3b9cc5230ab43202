# Benchmarks: not tests; each prints ratios against a plain-PostgreSQL
# baseline measured in the same run (see bench/README.md).  They use the
# server named by the PG* environment, where pdns must be installed.
#
#   make bench               every benchmark below, one after the other
#   make bench SCALE=0.1     the same on a tenth of the data (quick runs)

SCALE ?= 1
# N times SCALE, as a whole number.
bench_scaled = $(shell awk -v n=$(1) -v s=$(SCALE) 'BEGIN { printf "%d", n * s }')
BENCHMARKS = bench-dnsname bench-store bench-rrset bench-privacy bench-enrichment bench-adapters bench-api \
             bench-search bench-rollups bench-scale-out

.PHONY: bench bench-rrset bench-adapters

# One at a time (they would disturb each other), all of them even when one
# fails; the exit status says whether any failed.
bench:
	@status=0; for b in $(BENCHMARKS); do \
		echo "=== $$b (load average $$(cut -d' ' -f1-3 /proc/loadavg))"; \
		$(MAKE) --no-print-directory $$b SCALE=$(SCALE) || { status=1; echo "=== $$b FAILED"; }; \
	done; exit $$status

# dns_message against a bytea scan; rrset equality/hashing against text[].
bench-rrset:
	@bench/run-rrset.sh $(or $(BENCH_MESSAGES),$(call bench_scaled,200000))

# COPY into each sensor-format target against plain COPY of the same lines.
bench-adapters:
	@bench/adapters.sh $(call bench_scaled,500000)
