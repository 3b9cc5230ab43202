# Pseudonymization benchmarks (never part of `make test`; figures in
# bench/README.md): the core in C, then the SQL function against plain
# baselines on the server in PG*.
.PHONY: bench-privacy

bench/out/cryptopan: bench/cryptopan.c src/core/cryptopan.c src/core/cryptopan.h test/unit/cryptopan_reference.h
	@mkdir -p bench/out
	$(CC) -O2 -Wall -Wextra -Isrc/core -o $@ bench/cryptopan.c src/core/cryptopan.c -lcrypto

bench-privacy: bench/out/cryptopan
	bench/out/cryptopan
	ROWS=$${ROWS:-$(call bench_scaled,1000000)} bench/privacy.sh
