/*
 * pcap_input.c
 *		Frames from libpcap (see pcap_input.h).
 *
 * This is the one file that knows libpcap: it maps the data link type to
 * the core's pd_link and hands every frame over with its time in
 * microseconds.  A live capture, and a capture file that is a pipe (as in
 * "tcpdump -U -w - | pdns-capture --copy -"), wake at least every 200 ms so
 * that batches commit on time and idle reassemblies expire even when no
 * packet comes.  Files come through input_stream.c, which reads them in
 * large blocks and inflates gzip-compressed ones.
 */
#include "pcap_input.h"

#include "input_stream.h"
#include "packets.h"
#include "sink.h"
#include "stats.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static pcap_t *volatile live;
static volatile sig_atomic_t stop_requested;

/* The core's name for a libpcap data link type; false if unsupported. */
static bool
map_link(int dlt, pd_link *out)
{
	switch (dlt)
	{
		case DLT_EN10MB:
			*out = PD_LINK_ETHERNET;
			return true;
		case DLT_FDDI:
			*out = PD_LINK_FDDI;
			return true;
		case DLT_LINUX_SLL:
			*out = PD_LINK_SLL;
			return true;
		case DLT_LINUX_SLL2:
			*out = PD_LINK_SLL2;
			return true;
		case DLT_RAW:
#if DLT_RAW != 12
		case 12:
#endif
#if DLT_RAW != 14
		case 14:				/* DLT_RAW on OpenBSD */
#endif
			*out = PD_LINK_RAW;
			return true;
		case DLT_IPV4:
			*out = PD_LINK_IPV4;
			return true;
		case DLT_IPV6:
			*out = PD_LINK_IPV6;
			return true;
		case DLT_NULL:
			*out = PD_LINK_NULL;
			return true;
		case DLT_LOOP:
			*out = PD_LINK_LOOP;
			return true;
		default:
			return false;
	}
}

static inline int64_t
ts_of(const struct pcap_pkthdr *h)
{
	return (int64_t) h->ts.tv_sec * 1000000 + h->ts.tv_usec;
}

static bool
set_filter(pcap_t *p, const char *filter, const char *what)
{
	struct bpf_program prog;

	if (filter == NULL)
		return true;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
		pcap_setfilter(p, &prog) != 0)
	{
		fprintf(stderr, "pdns-capture: %s: filter \"%s\": %s\n", what, filter, pcap_geterr(p));
		return false;
	}
	pcap_freecode(&prog);
	return true;
}

/* Time-based work while a pipe has no packet; false once a stop is asked for. */
static bool
file_idle(void)
{
	struct timeval now;

	if (stop_requested || sink_failed())
		return false;
	gettimeofday(&now, NULL);
	packets_idle((int64_t) now.tv_sec * 1000000 + now.tv_usec);
	sink_tick();
	return !stop_requested && !sink_failed();
}

bool
pcap_read_file(const char *path, const char *filter)
{
	char		err[PCAP_ERRBUF_SIZE];
	FILE	   *fp = input_open(path, file_idle, err, sizeof(err));
	pcap_t	   *p;
	struct pcap_pkthdr *h;
	const u_char *data;
	pd_link		link;
	int			source,
				rc = 0;
	uint64_t	number = 0;

	if (fp == NULL)
	{
		fprintf(stderr, "pdns-capture: %s\n", err);
		return false;
	}
	p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, err);
	if (p == NULL)
	{
		fprintf(stderr, "pdns-capture: %s: %s\n", path, err);
		fclose(fp);
		return false;
	}
	if (!map_link(pcap_datalink(p), &link))
	{
		fprintf(stderr, "pdns-capture: %s: link type %s is not supported\n", path,
				pcap_datalink_val_to_name(pcap_datalink(p)));
		pcap_close(p);
		return false;
	}
	if (!set_filter(p, filter, path))
	{
		pcap_close(p);
		return false;
	}
	source = packets_source(path);
	while (!stop_requested && !sink_failed())
	{
		if ((rc = pcap_next_ex(p, &h, &data)) != 1)
			break;
		packets_frame(link, data, h->caplen, h->len, ts_of(h), source, ++number);
	}
	if (!stop_requested && !sink_failed() && rc == PCAP_ERROR)
	{
		/* A torn last record: what was read stands, the rest is unreadable. */
		fprintf(stderr, "pdns-capture: %s: after packet %llu: %s\n", path,
				(unsigned long long) number, pcap_geterr(p));
		pcap_close(p);
		return false;
	}
	pcap_close(p);
	return true;
}

/* pcap_dispatch callback. */
static void
on_live_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	static uint64_t number;
	const int  *ctx = (const int *) user;

	packets_frame((pd_link) ctx[0], data, h->caplen, h->len, ts_of(h), ctx[1], ++number);
}

bool
pcap_read_live(const live_options *opt)
{
	char		err[PCAP_ERRBUF_SIZE];
	pcap_t	   *p = pcap_create(opt->interface, err);
	pd_link		link;
	int			ctx[2];
	struct pcap_stat ps;
	bool		ok = true;

	if (p == NULL)
	{
		fprintf(stderr, "pdns-capture: %s\n", err);
		return false;
	}
	pcap_set_snaplen(p, opt->snaplen);
	pcap_set_promisc(p, opt->promiscuous ? 1 : 0);
	pcap_set_timeout(p, 200);
	if (opt->buffer_mb > 0)
		pcap_set_buffer_size(p, opt->buffer_mb * 1024 * 1024);
	if (pcap_activate(p) < 0)
	{
		fprintf(stderr, "pdns-capture: %s: %s\n", opt->interface, pcap_geterr(p));
		pcap_close(p);
		return false;
	}
	if (!map_link(pcap_datalink(p), &link))
	{
		fprintf(stderr, "pdns-capture: %s: link type %s is not supported\n", opt->interface,
				pcap_datalink_val_to_name(pcap_datalink(p)));
		pcap_close(p);
		return false;
	}
	if (!set_filter(p, opt->filter, opt->interface))
	{
		pcap_close(p);
		return false;
	}
	ctx[0] = (int) link;
	ctx[1] = packets_source(opt->interface);
	live = p;
	while (!stop_requested && !sink_failed())
	{
		int			n = pcap_dispatch(p, -1, on_live_packet, (u_char *) ctx);
		struct timeval now;

		if (n == PCAP_ERROR)
		{
			fprintf(stderr, "pdns-capture: %s: %s\n", opt->interface, pcap_geterr(p));
			ok = false;
			break;
		}
		gettimeofday(&now, NULL);
		packets_idle((int64_t) now.tv_sec * 1000000 + now.tv_usec);
		sink_tick();
	}
	live = NULL;
	/* Stopped: what the kernel has captured already is read, not dropped. */
	if (ok && pcap_setnonblock(p, 1, err) == 0)
		while (!sink_failed() && pcap_dispatch(p, -1, on_live_packet, (u_char *) ctx) > 0)
			;
	if (pcap_stats(p, &ps) == 0)
	{
		stats.pcap_received += ps.ps_recv;
		stats.pcap_dropped += ps.ps_drop;
		stats.pcap_if_dropped += ps.ps_ifdrop;
	}
	pcap_close(p);
	return ok;
}

void
pcap_stop(void)
{
	pcap_t	   *p = live;

	stop_requested = 1;
	if (p)
		pcap_breakloop(p);
}
