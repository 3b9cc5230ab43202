# Benchmarks: not tests; each prints ratios against a plain-PostgreSQL
# baseline measured in the same run (see bench/README.md).  They use the
# server named by the PG* environment, where pdns must be installed.

.PHONY: bench-rrset

# dns_message against a bytea scan; rrset equality/hashing against text[].
bench-rrset:
	@bench/run-rrset.sh $(BENCH_MESSAGES)
