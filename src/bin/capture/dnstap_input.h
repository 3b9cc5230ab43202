/*
 * dnstap_input.h
 *		dnstap inputs through libfstrm: Frame Streams files ("-" for
 *		standard input) and a unix socket that dnstap writers connect to
 *		(bidirectional Frame Streams, one thread per connection).
 */
#ifndef PDNS_CAPTURE_DNSTAP_INPUT_H
#define PDNS_CAPTURE_DNSTAP_INPUT_H

#include <stdbool.h>

/*
 * Read a file.  False (with a message) when it is not a Frame Streams file
 * or ends inside a frame; what it held is written or rejected all the same.
 */
extern bool dnstap_read_file(const char *path);

/* Serve a unix socket until dnstap_stop(); false when it cannot be set up. */
extern bool dnstap_listen(const char *path);

/* Ask the inputs to stop (async-signal-safe). */
extern void dnstap_stop(void);

#endif							/* PDNS_CAPTURE_DNSTAP_INPUT_H */
