/*
 * main.c
 *		pdns-capture: DNS messages from packet captures and dnstap, as rows of
 *		pdns.wire_in, and whatever cannot be framed as rows of
 *		pdns.wire_rejects_in.  See docs/capture.md.
 *
 * This file holds the command line and the order of work: open the sink,
 * run the inputs (capture files, then dnstap files; or one live source),
 * flush the reassemblers, close the sink, print the counts.  SIGINT and
 * SIGTERM stop the inputs; what is held is then flushed and committed as
 * at the end of the input.  A second signal kills at once.
 */
#include "dnstap_input.h"
#include "packets.h"
#include "pcap_input.h"
#include "sink.h"
#include "stats.h"

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PDNS_CAPTURE_VERSION "0.1"
#define DEFAULT_LIVE_FILTER "port 53 or port 853"

static void
usage(FILE *f)
{
	fprintf(f,
			"Usage: pdns-capture [OPTION]... [FILE]...\n"
			"Read DNS messages from pcap/pcapng files, a live interface or dnstap and\n"
			"write them as rows of pdns.wire_in; what cannot be framed goes to\n"
			"pdns.wire_rejects_in with its reason and source.\n"
			"\n"
			"Input (capture files are read before dnstap files):\n"
			"  FILE...                  pcap or pcapng files, \"-\" for standard input\n"
			"  -i, --interface=IFACE    capture live on IFACE\n"
			"  -f, --filter=EXPR        BPF filter (live default \"" DEFAULT_LIVE_FILTER "\")\n"
			"  -s, --snaplen=N          live snapshot length (default 65535)\n"
			"      --no-promiscuous     live: leave the interface's mode alone\n"
			"      --buffer=MB          live: kernel capture buffer (default 32)\n"
			"      --dnstap=FILE        a dnstap Frame Streams file (\"-\": stdin); repeatable\n"
			"      --dnstap-socket=PATH listen on a unix socket for dnstap writers\n"
			"  -p, --port=N             a port that carries DNS; repeatable (default 53)\n"
			"\n"
			"Output (--dump, unless --copy or only --stats is given):\n"
			"      --dump               rows in COPY text format on standard output,\n"
			"                           rejects on lines starting with \"REJECT<TAB>\"\n"
			"      --copy               rows into PostgreSQL with COPY FROM STDIN\n"
			"      --stats              counts on standard error at the end\n"
			"  -d, --dbname=CONNINFO    --copy: connection string (default: PG* environment)\n"
			"      --table=NAME         --copy: message target (default pdns.wire_in)\n"
			"      --rejects-table=NAME --copy: reject target (default pdns.wire_rejects_in)\n"
			"      --batch-messages=N   --copy: commit every N messages (default 10000)\n"
			"      --batch-seconds=T    --copy: or every T seconds (default 1)\n"
			"      --sensor=NAME        the sensor column (default: the host name)\n"
			"  -h, --help               this text\n"
			"      --version            the version\n"
			"\n"
			"Exit status: 0 when every input was read to its end, 1 when an input\n"
			"could not be read or the database refused a batch, 2 for bad usage.\n");
}

static void
on_signal(int sig)
{
	pcap_stop();
	dnstap_stop();
}

/* A number option within [lo, hi], or exit with usage status. */
static long long
number_arg(const char *opt, const char *arg, long long lo, long long hi)
{
	char	   *end;
	long long	v = strtoll(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v < lo || v > hi)
	{
		fprintf(stderr, "pdns-capture: --%s: \"%s\" is not a number from %lld to %lld\n",
				opt, arg, lo, hi);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	enum
	{
		OPT_DUMP = 256, OPT_COPY, OPT_STATS, OPT_TABLE, OPT_REJECTS_TABLE,
		OPT_BATCH_MESSAGES, OPT_BATCH_SECONDS, OPT_SENSOR, OPT_DNSTAP,
		OPT_DNSTAP_SOCKET, OPT_NO_PROMISC, OPT_BUFFER, OPT_VERSION
	};
	static const struct option options[] = {
		{"interface", required_argument, NULL, 'i'},
		{"filter", required_argument, NULL, 'f'},
		{"snaplen", required_argument, NULL, 's'},
		{"no-promiscuous", no_argument, NULL, OPT_NO_PROMISC},
		{"buffer", required_argument, NULL, OPT_BUFFER},
		{"dnstap", required_argument, NULL, OPT_DNSTAP},
		{"dnstap-socket", required_argument, NULL, OPT_DNSTAP_SOCKET},
		{"port", required_argument, NULL, 'p'},
		{"dump", no_argument, NULL, OPT_DUMP},
		{"copy", no_argument, NULL, OPT_COPY},
		{"stats", no_argument, NULL, OPT_STATS},
		{"dbname", required_argument, NULL, 'd'},
		{"table", required_argument, NULL, OPT_TABLE},
		{"rejects-table", required_argument, NULL, OPT_REJECTS_TABLE},
		{"batch-messages", required_argument, NULL, OPT_BATCH_MESSAGES},
		{"batch-seconds", required_argument, NULL, OPT_BATCH_SECONDS},
		{"sensor", required_argument, NULL, OPT_SENSOR},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0}
	};
	static uint8_t dns_ports[65536 / 8];
	sink_options so = {
		.mode = SINK_DUMP,
		.conninfo = "",
		.table = "pdns.wire_in",
		.rejects_table = "pdns.wire_rejects_in",
		.batch_messages = 10000,
		.batch_seconds = 1.0,
	};
	live_options lo = {.snaplen = 65535,.promiscuous = true,.buffer_mb = 32};
	const char **dnstap_files = calloc((size_t) argc, sizeof(char *));
	int			ndnstap = 0;
	const char *dnstap_socket = NULL;
	bool		dump = false,
				copy = false,
				want_stats = false,
				ports_given = false,
				ok = true;
	char		host[HOST_NAME_MAX + 1];
	struct sigaction sa;
	int			c,
				i;

	while ((c = getopt_long(argc, argv, "i:f:s:p:d:h", options, NULL)) != -1)
	{
		switch (c)
		{
			case 'i':
				lo.interface = optarg;
				break;
			case 'f':
				lo.filter = optarg;
				break;
			case 's':
				lo.snaplen = (int) number_arg("snaplen", optarg, 64, 262144);
				break;
			case OPT_NO_PROMISC:
				lo.promiscuous = false;
				break;
			case OPT_BUFFER:
				lo.buffer_mb = (int) number_arg("buffer", optarg, 1, 4096);
				break;
			case OPT_DNSTAP:
				dnstap_files[ndnstap++] = optarg;
				break;
			case OPT_DNSTAP_SOCKET:
				dnstap_socket = optarg;
				break;
			case 'p':
				{
					long long	port = number_arg("port", optarg, 1, 65535);

					dns_ports[port >> 3] |= (uint8_t) (1 << (port & 7));
					ports_given = true;
					break;
				}
			case OPT_DUMP:
				dump = true;
				break;
			case OPT_COPY:
				copy = true;
				break;
			case OPT_STATS:
				want_stats = true;
				break;
			case 'd':
				so.conninfo = optarg;
				break;
			case OPT_TABLE:
				so.table = optarg;
				break;
			case OPT_REJECTS_TABLE:
				so.rejects_table = optarg;
				break;
			case OPT_BATCH_MESSAGES:
				so.batch_messages = (uint64_t) number_arg("batch-messages", optarg, 1, INT64_MAX);
				break;
			case OPT_BATCH_SECONDS:
				so.batch_seconds = (double) number_arg("batch-seconds", optarg, 0, 86400);
				break;
			case OPT_SENSOR:
				so.sensor = optarg;
				break;
			case 'h':
				usage(stdout);
				return 0;
			case OPT_VERSION:
				printf("pdns-capture " PDNS_CAPTURE_VERSION "\n");
				return 0;
			default:
				usage(stderr);
				return 2;
		}
	}

	/* One kind of source: files, or one live source. */
	if ((lo.interface != NULL) + (dnstap_socket != NULL) + (optind < argc || ndnstap > 0) != 1)
	{
		fprintf(stderr, "pdns-capture: give capture or dnstap files, or -i IFACE, or --dnstap-socket PATH (one of them)\n");
		usage(stderr);
		return 2;
	}
	if (dump && copy)
	{
		fprintf(stderr, "pdns-capture: --dump and --copy exclude each other\n");
		return 2;
	}
	so.mode = copy ? SINK_COPY : (dump || !want_stats ? SINK_DUMP : SINK_NONE);
	if (so.sensor == NULL && gethostname(host, sizeof(host)) == 0)
	{
		host[HOST_NAME_MAX] = '\0';
		so.sensor = host;
	}
	if (!ports_given)
		dns_ports[53 >> 3] |= 1 << (53 & 7);
	if (lo.interface && lo.filter == NULL)
		lo.filter = DEFAULT_LIVE_FILTER;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (!sink_open(&so) || !packets_init(dns_ports))
	{
		sink_close();
		return 1;
	}

	if (lo.interface)
		ok = pcap_read_live(&lo);
	else if (dnstap_socket)
		ok = dnstap_listen(dnstap_socket);
	else
	{
		for (i = optind; i < argc && !sink_failed(); i++)
			ok = pcap_read_file(argv[i], lo.filter) && ok;
		for (i = 0; i < ndnstap && !sink_failed(); i++)
			ok = dnstap_read_file(dnstap_files[i]) && ok;
	}
	packets_finish();
	ok = sink_close() && ok;
	if (want_stats)
		stats_print(stderr);
	free(dnstap_files);
	return ok ? 0 : 1;
}
