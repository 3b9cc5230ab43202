/*
 * pdns-api: the DNSDB API v2 and CIRCL's pDNS API over a pdns store.
 *
 *	  pdns-api [-c config] [-t]
 *
 *	-c  configuration file (docs/api.md); default: none, every setting at
 *	    its default and the database from the PG* environment
 *	-t  check the configuration and the database, then exit
 *
 * HTTP is libmicrohttpd, one thread per client connection; lookups run on
 * a bounded pool of libpq connections (pool.c) as the role of the request's
 * API key (http.c).  SIGINT or SIGTERM stops it; requests in flight finish.
 */
#include "audit.h"
#include "config.h"
#include "http.h"
#include "pool.h"
#include "statements.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

static char *
read_file(const char *path)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	if (f == NULL)
	{
		fprintf(stderr, "pdns-api: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t) n + 1);
	if (fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		fprintf(stderr, "pdns-api: cannot read %s\n", path);
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

typedef struct housekeeper
{
	api_pool   *pool;
	const api_config *cfg;
} housekeeper;

/* Deletes audit rows past their retention, every housekeeping seconds. */
static void *
housekeeping(void *arg)
{
	housekeeper *hk = arg;

	for (;;)
	{
		char		why[256];
		PGconn	   *conn = api_pool_get(hk->pool, 60000, why, sizeof(why));

		if (conn)
		{
			PGresult   *res = PQexecPrepared(conn, STMT_EXPIRE, 0, NULL, NULL, NULL, 0);
			bool		ok = PQresultStatus(res) == PGRES_TUPLES_OK;

			if (!ok)
				fprintf(stderr, "pdns-api: audit retention: %s", PQerrorMessage(conn));
			PQclear(res);
			api_pool_put(hk->pool, conn, !ok);
		}
		sleep((unsigned) hk->cfg->housekeeping_s);
	}
	return NULL;
}

/* (static: what the threads share stays reachable until exit) */
static api_config cfg;
static api_server srv;

/* Writes the queued ends of requests that no request wrote (audit.h). */
static void *
flusher(void *arg)
{
	api_pool   *pool = arg;

	for (;;)
	{
		struct timespec nap = {0, AUDIT_FLUSH_MS * 1000000L};

		nanosleep(&nap, NULL);
		api_audit_flush(pool, false);
	}
	return NULL;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: pdns-api [-c config] [-t]\n"
			"  -c  configuration file (see docs/api.md)\n"
			"  -t  check the configuration and the database, then exit\n");
}

int
main(int argc, char **argv)
{
	const char *config_path = NULL;
	bool		check_only = false;
	struct MHD_Daemon *daemon;
	struct sockaddr_storage addr;
	unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
		MHD_USE_ERROR_LOG;
	char	   *cert = NULL,
			   *key = NULL;
	sigset_t	signals;
	int			sig,
				opt;
	pthread_t	hk_thread;
	housekeeper hk;

	while ((opt = getopt(argc, argv, "c:th")) != -1)
	{
		switch (opt)
		{
			case 'c':
				config_path = optarg;
				break;
			case 't':
				check_only = true;
				break;
			case 'h':
				usage(stdout);
				return 0;
			default:
				usage(stderr);
				return 2;
		}
	}
	if (api_config_load(&cfg, config_path) != 0)
		return 2;

	memset(&addr, 0, sizeof(addr));
	if (inet_pton(AF_INET, cfg.listen, &((struct sockaddr_in *) &addr)->sin_addr) == 1)
	{
		((struct sockaddr_in *) &addr)->sin_family = AF_INET;
		((struct sockaddr_in *) &addr)->sin_port = htons((uint16_t) cfg.port);
	}
	else if (inet_pton(AF_INET6, cfg.listen, &((struct sockaddr_in6 *) &addr)->sin6_addr) == 1)
	{
		((struct sockaddr_in6 *) &addr)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *) &addr)->sin6_port = htons((uint16_t) cfg.port);
		flags |= MHD_USE_IPv6;
	}
	else
	{
		fprintf(stderr, "pdns-api: listen must be an IPv4 or IPv6 address, not \"%s\"\n", cfg.listen);
		return 2;
	}
	if (cfg.tls_cert)
	{
		if ((cert = read_file(cfg.tls_cert)) == NULL || (key = read_file(cfg.tls_key)) == NULL)
			return 2;
		flags |= MHD_USE_TLS;
	}

	srv.cfg = &cfg;
	srv.pool = api_pool_create(cfg.database, cfg.pool_size, cfg.statement_timeout_ms,
							   cfg.synchronous_commit, cfg.cluster);
	{
		/* the database must be there at start, with pdns and its API */
		char		why[512];
		PGconn	   *conn = api_pool_get(srv.pool, 1000, why, sizeof(why));

		if (conn == NULL)
		{
			fprintf(stderr, "pdns-api: cannot use the database: %s\n", why);
			return 1;
		}
		api_pool_put(srv.pool, conn, false);
	}
	if (check_only)
	{
		printf("pdns-api: configuration and database are fine\n");
		return 0;
	}

	/* signals are taken by sigwait below, in no other thread */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);

	daemon = MHD_start_daemon(flags, (uint16_t) cfg.port, NULL, NULL, api_handle, &srv,
							  MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
							  MHD_OPTION_CONNECTION_LIMIT, (unsigned int) cfg.max_clients,
							  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int) cfg.max_clients_per_ip,
							  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) cfg.timeout_s,
							  MHD_OPTION_UNESCAPE_CALLBACK, api_unescape, NULL,
							  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) (cfg.max_header_bytes * 4 + 65536),
							  cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
							  MHD_OPTION_HTTPS_MEM_KEY, key,
							  MHD_OPTION_END);
	if (daemon == NULL)
	{
		fprintf(stderr, "pdns-api: cannot listen on %s port %d\n", cfg.listen, cfg.port);
		return 1;
	}
	hk.pool = srv.pool;
	hk.cfg = &cfg;
	pthread_create(&hk_thread, NULL, housekeeping, &hk);
	pthread_detach(hk_thread);
	pthread_create(&hk_thread, NULL, flusher, srv.pool);
	pthread_detach(hk_thread);
	fprintf(stderr, "pdns-api: listening on %s%s%s port %d%s\n",
			strchr(cfg.listen, ':') ? "[" : "", cfg.listen, strchr(cfg.listen, ':') ? "]" : "",
			cfg.port, cert ? " (TLS)" : "");

	sigwait(&signals, &sig);
	fprintf(stderr, "pdns-api: stopping on signal %d\n", sig);
	MHD_stop_daemon(daemon);
	api_audit_flush(srv.pool, true);
	/* (the housekeeper may hold a connection: leave the pool to exit) */
	free(cert);
	free(key);
	api_config_free(&cfg);
	return 0;
}
