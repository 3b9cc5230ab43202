# Test targets beyond pg_regress; included by the top-level Makefile.
# `make test` runs every suite against the server named by the PG*
# environment (tools/test.sh provides one with pg_virtualenv).

CLANG         ?= clang
FUZZ_SECONDS  ?= 20
UNIT_BIN       = test/unit/bin
FUZZ_BIN       = test/fuzz/bin
UNIT_TESTS     = $(patsubst test/unit/%.c,$(UNIT_BIN)/%,$(wildcard test/unit/test_*.c))
FUZZERS        = $(patsubst test/fuzz/%.c,$(FUZZ_BIN)/%,$(wildcard test/fuzz/fuzz_*.c))

.PHONY: test unit fuzz fuzz-build docscheck check-valgrind isolationcheck prove-check

test:
	@test/run-suites.sh

# Plain C unit tests of the pure core, built with ASan and UBSan.
$(UNIT_BIN)/%: test/unit/%.c $(CORE_SRCS) test/unit/unit.h
	@mkdir -p $(UNIT_BIN)
	$(CLANG) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Isrc/core -Itest/unit \
		-o $@ $< $(CORE_SRCS) $(CORE_LIBS)

unit: $(UNIT_TESTS)
	@status=0; for t in $(UNIT_TESTS); do $$t || status=1; done; exit $$status

# libFuzzer harnesses over every parser in the pure core, each run for
# FUZZ_SECONDS from its seed corpus.
$(FUZZ_BIN)/%: test/fuzz/%.c $(CORE_SRCS)
	@mkdir -p $(FUZZ_BIN)
	$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc/core \
		-o $@ $< $(CORE_SRCS) $(CORE_LIBS)

fuzz-build: $(FUZZERS)

fuzz: $(FUZZERS)
	@status=0; for f in $(FUZZERS); do \
		name=$$(basename $$f); seeds=test/fuzz/seeds/$${name#fuzz_}; \
		work=$$(mktemp -d); cp -r $$seeds/. $$work/ 2>/dev/null || true; \
		echo "fuzz: $$name for $(FUZZ_SECONDS)s"; \
		if $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 $$work > $$work.log 2>&1; then \
			grep -E '^stat::number_of_executed_units' $$work.log | sed "s/^/fuzz: $$name /"; \
		else echo "fuzz: $$name FAILED"; tail -40 $$work.log; status=1; fi; \
		rm -rf $$work $$work.log; \
	done; exit $$status

# Every ```sql and ```console block in docs/*.md, run through psql, must
# print exactly the ```text block that follows it (test/docs/check-docs.pl).
docscheck:
	@test/docs/check-docs.pl docs/*.md

# The regression suite with every backend under valgrind memcheck
# (see test/valgrind/run.sh for what it checks).
check-valgrind:
	@test/valgrind/run.sh

# Isolation specs (concurrency): pg_isolation_regress against the server in PG*.
ISOLATION_SPECS = $(patsubst test/isolation/specs/%.spec,%,$(sort $(wildcard test/isolation/specs/*.spec)))
pg_isolation_regress = $(dir $(shell $(PG_CONFIG) --pgxs))../../src/test/isolation/pg_isolation_regress

isolationcheck:
	$(pg_isolation_regress) --inputdir=test/isolation --outputdir=test/isolation/output_iso \
		--bindir='$(bindir)' $(LOAD_EXTENSIONS) \
		--dbname=pdns_isolation $(ISOLATION_SPECS)

# TAP tests (test/t/*.pl) with PostgreSQL's Perl test modules: each test
# makes clusters of its own (PostgreSQL::Test::Cluster: free ports, private
# socket directories), never the server in PG*, and runs the binaries of
# PG_CONFIG with the pdns installed there.  initdb refuses to run as root:
# as root, prove runs as TAP_USER from a copy of test/t in a scratch
# directory that user owns (the repository may be unreadable to it), kept
# when a test fails.
PROVE_TESTS     = test/t/*.pl
PG_PROVE_FLAGS += -I test/t
TAP_USER       ?= postgres

prove-check:
ifeq ($(shell id -u),0)
	@dir=$$(mktemp -d "$${TMPDIR:-/tmp}/pdns-tap.XXXXXX") && mkdir "$$dir/test" && \
	cp -R test/t "$$dir/test/" && chown -R $(TAP_USER) "$$dir" && \
	if cd "$$dir" && runuser -u $(TAP_USER) -- env TESTDIR="$$dir" PATH="$(bindir):$$PATH" \
		PDNS_API_BIN="$$PDNS_API_BIN" \
		PG_REGRESS='$(top_builddir)/src/test/regress/pg_regress' \
		$(PROVE) $(PG_PROVE_FLAGS) $(PROVE_FLAGS) $(PROVE_TESTS); \
	then rm -rf "$$dir"; else echo "prove-check: logs kept in $$dir/tmp_check/log"; exit 1; fi
else
	@$(prove_installcheck)
endif
