# pdns-capture: DNS messages from packet captures and dnstap into
# pdns.wire_in (docs/capture.md).  `make` builds src/bin/pdns-capture;
# `make install` puts it in PostgreSQL's bindir (pg_config --bindir), next to
# psql and the server programs, so that `make install DESTDIR=...` keeps it
# inside that tree like the extension.  Debian's bindir is not on PATH: call
# it by its full path or link it into /usr/local/bin.
#
# The dnstap decoder is generated at build time by protoc-c from our own
# src/bin/capture/dnstap.proto.  The tool compiles in one step: its core
# files are also objects of the extension, built with the server's flags.

CAPTURE_BIN     = src/bin/pdns-capture
CAPTURE_GEN     = src/bin/capture/gen
CAPTURE_PB      = $(CAPTURE_GEN)/dnstap.pb-c.c
CAPTURE_SRCS    = $(sort $(wildcard src/bin/capture/*.c))
CAPTURE_HDRS    = $(wildcard src/bin/capture/*.h) $(wildcard src/core/*.h)
# Packets, IP reassembly and TCP streams are the tool's own code
# (src/bin/capture), not the extension's; their unit tests and fuzz harness
# link them from here.
CAPTURE_DECODE  = src/bin/capture/packet_decode.c src/bin/capture/ip_defrag.c src/bin/capture/tcp_stream.c
CAPTURE_CFLAGS  = -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -pthread \
                  -Isrc/core -Isrc/bin/capture -I$(CAPTURE_GEN) \
                  -I$(shell $(PG_CONFIG) --includedir)
CAPTURE_LIBS    = -L$(shell $(PG_CONFIG) --libdir) -lpcap -lfstrm -lprotobuf-c -lpq -lz -pthread

EXTRA_CLEAN    += $(CAPTURE_BIN) $(CAPTURE_GEN)

.PHONY: install-capture uninstall-capture capture-check bench-capture

all: $(CAPTURE_BIN)
install: install-capture
uninstall: uninstall-capture

$(CAPTURE_GEN)/dnstap.pb-c.h: $(CAPTURE_PB)
$(CAPTURE_PB): src/bin/capture/dnstap.proto
	@mkdir -p $(CAPTURE_GEN)
	protoc-c --c_out=$(CAPTURE_GEN) --proto_path=src/bin/capture dnstap.proto

$(CAPTURE_BIN): $(CAPTURE_SRCS) $(CAPTURE_PB) $(CAPTURE_HDRS) mk/capture.mk
	$(CC) $(CAPTURE_CFLAGS) -o $@ $(CAPTURE_SRCS) $(CAPTURE_PB) $(CAPTURE_LIBS)

install-capture: $(CAPTURE_BIN)
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) $(CAPTURE_BIN) '$(DESTDIR)$(bindir)/pdns-capture'

uninstall-capture:
	rm -f '$(DESTDIR)$(bindir)/pdns-capture'

# The unit tests and the fuzz harness of that code.
CAPTURE_UNIT = $(UNIT_BIN)/test_packet_decode $(UNIT_BIN)/test_ip_defrag $(UNIT_BIN)/test_tcp_stream
$(CAPTURE_UNIT): $(UNIT_BIN)/%: test/unit/%.c $(CAPTURE_DECODE) $(CAPTURE_HDRS) test/unit/unit.h
	@mkdir -p $(UNIT_BIN)
	$(CLANG) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Isrc/core -Isrc/bin/capture \
		-Itest/unit -o $@ $< $(CAPTURE_DECODE)

$(FUZZ_BIN)/fuzz_packet: test/fuzz/fuzz_packet.c $(CAPTURE_DECODE) $(CAPTURE_HDRS)
	@mkdir -p $(FUZZ_BIN)
	$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc/core \
		-Isrc/bin/capture -o $@ $< $(CAPTURE_DECODE)

# The dnstap harness links the protobuf-c decoder rather than the core.
$(FUZZ_BIN)/fuzz_dnstap: test/fuzz/fuzz_dnstap.c src/bin/capture/dnstap_decode.c $(CAPTURE_PB)
	@mkdir -p $(FUZZ_BIN)
	$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Isrc/bin/capture -I$(CAPTURE_GEN) -o $@ $< src/bin/capture/dnstap_decode.c \
		$(CAPTURE_PB) -lfstrm -lprotobuf-c

# Every capture and dnstap file of the corpora against test/capture/expected.txt;
# the replay helper plays a DNS server's dnstap writer for --dnstap-socket.
CAPTURE_REPLAY  = test/capture/bin/dnstap_replay
EXTRA_CLEAN    += test/capture/bin

$(CAPTURE_REPLAY): test/capture/dnstap_replay.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -o $@ $< -lfstrm

capture-check: $(CAPTURE_BIN) $(CAPTURE_REPLAY)
	@test/capture/run.sh

# Messages per second against tcpdump on a generated capture (not a test).
bench-capture: $(CAPTURE_BIN)
	@bench/capture.sh
