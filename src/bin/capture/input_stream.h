/*
 * input_stream.h
 *		Capture and dnstap files as stdio streams for libpcap and libfstrm:
 *		a regular file, or a pipe, FIFO, socket or terminal ("-" is standard
 *		input), each either plain or gzip-compressed.  Compression is told
 *		by the content (the gzip magic bytes 1f 8b), not by the name.
 */
#ifndef PDNS_CAPTURE_INPUT_STREAM_H
#define PDNS_CAPTURE_INPUT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Called about every 200 ms while a pipe has no data, for time-based work
 * (batches that commit by time, reassemblies that expire).  False ends the
 * input there, as at its end (a stop was asked for).
 */
typedef bool (*input_idle_fn) (void);

/*
 * Open path for reading in large blocks.  NULL with a message in
 * err[errlen] when it cannot be opened.  fclose() closes it.  A gzip
 * stream that is corrupt or ends early is a read error (ferror()), its
 * reason printed on standard error.
 */
extern FILE *input_open(const char *path, input_idle_fn idle, char *err, size_t errlen);

#endif							/* PDNS_CAPTURE_INPUT_STREAM_H */
