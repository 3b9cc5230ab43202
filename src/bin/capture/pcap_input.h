/*
 * pcap_input.h
 *		libpcap inputs: capture files (pcap and pcapng, "-" for standard
 *		input) and live interfaces.  Frames go to packets.c.
 */
#ifndef PDNS_CAPTURE_PCAP_INPUT_H
#define PDNS_CAPTURE_PCAP_INPUT_H

#include <signal.h>
#include <stdbool.h>

typedef struct live_options
{
	const char *interface;
	const char *filter;			/* BPF expression */
	int			snaplen;
	bool		promiscuous;
	int			buffer_mb;		/* kernel buffer, MiB */
} live_options;

/* Read a file; false (with a message) when it cannot be read at all. */
extern bool pcap_read_file(const char *path, const char *filter);

/* Capture until *stop is set (by a signal); false on failure. */
extern bool pcap_read_live(const live_options *opt);

/* Ask a running live capture to stop (async-signal-safe). */
extern void pcap_stop(void);

#endif							/* PDNS_CAPTURE_PCAP_INPUT_H */
