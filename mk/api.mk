# pdns-api: the DNSDB API v2 and CIRCL pDNS over the store (docs/api.md).
# Built and installed like pdns-capture, into PostgreSQL's bindir.

API_BIN    = src/bin/pdns-api
API_ASSETS = $(sort $(wildcard src/bin/api/explorer/*))
API_GEN    = src/bin/api/gen/assets.c
API_SRCS   = $(sort $(wildcard src/bin/api/*.c)) $(API_GEN)
API_CFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -pthread \
	-I$(shell $(PG_CONFIG) --includedir)
API_LIBS   = -L$(shell $(PG_CONFIG) --libdir) -lpq -lmicrohttpd -pthread

EXTRA_CLEAN += $(API_BIN) src/bin/api/gen

# The explorer page (docs/explorer.md) is compiled in.
$(API_GEN): $(API_ASSETS) tools/embed-assets.pl
	@mkdir -p $(dir $@)
	perl tools/embed-assets.pl $@ $(API_ASSETS)

.PHONY: install-api uninstall-api

all: $(API_BIN)
install: install-api
uninstall: uninstall-api

$(API_BIN): $(API_SRCS) $(wildcard src/bin/api/*.h) mk/api.mk
	$(CC) $(API_CFLAGS) -Isrc/bin/api -o $@ $(API_SRCS) $(API_LIBS)

install-api: $(API_BIN)
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) $(API_BIN) '$(DESTDIR)$(bindir)/pdns-api'

uninstall-api:
	rm -f '$(DESTDIR)$(bindir)/pdns-api'

# The request parser is pure C: fuzzed with the core's parsers.
$(FUZZ_BIN)/fuzz_api_request: test/fuzz/fuzz_api_request.c src/bin/api/request.c src/bin/api/request.h
	@mkdir -p $(FUZZ_BIN)
	$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc/bin/api \
		-o $@ $< src/bin/api/request.c

# The API's TAP tests against a pdns-api built with AddressSanitizer and
# UBSan (leaks included: it frees what it made before it exits).
API_ASAN_BIN = src/bin/pdns-api-asan
API_TAP      = test/t/007_api_dnsdbq.pl test/t/008_api_access.pl
EXTRA_CLEAN += $(API_ASAN_BIN)

$(API_ASAN_BIN): $(API_SRCS) $(wildcard src/bin/api/*.h) mk/api.mk
	$(CLANG) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -std=gnu11 -pthread \
		-I$(shell $(PG_CONFIG) --includedir) -Isrc/bin/api -o $@ $(API_SRCS) $(API_LIBS)

.PHONY: check-api-asan
check-api-asan: $(API_ASAN_BIN)
	@bin=$$(mktemp -d "$${TMPDIR:-/tmp}/pdns-api-asan.XXXXXX") && chmod 755 "$$bin" && \
	install -m 755 $(API_ASAN_BIN) "$$bin/pdns-api" && \
	PDNS_API_BIN="$$bin/pdns-api" ASAN_OPTIONS=abort_on_error=0:exitcode=23 \
		$(MAKE) -s prove-check PROVE_TESTS="$(API_TAP)"; status=$$?; rm -rf "$$bin"; exit $$status
