/*
 * config.h: pdns-api's configuration file.
 *
 * Lines "name = value"; '#' starts a comment; a value may be quoted with
 * double quotes.  See docs/api.md for every setting.
 */
#ifndef PDNS_API_CONFIG_H
#define PDNS_API_CONFIG_H

#include <stdbool.h>

typedef struct api_config
{
	char	   *listen;			/* address to bind: 127.0.0.1 by default */
	int			port;			/* 8053 */
	char	   *database;		/* libpq connection string */
	int			pool_size;		/* database connections, at most (8) */
	int			pool_wait_ms;	/* wait for a free connection before 503 (5000) */
	int			max_clients;	/* HTTP connections at once (256) */
	int			max_clients_per_ip; /* (64) */
	int			timeout_s;		/* an idle or unread connection is closed (30) */
	int			statement_timeout_ms;	/* a lookup is cancelled after (60000) */
	long long	default_limit;	/* results when a query names no limit (10000) */
	int			max_header_bytes;	/* request headers, all together (16384) */
	char	   *tls_cert;		/* PEM files; both or neither */
	char	   *tls_key;
	bool		trust_forwarded_for;	/* take the client address from X-Forwarded-For */
	bool		synchronous_commit; /* wait for the WAL flush of each audit row (no) */
	bool		cluster;		/* lookups = cluster: through pdns_cluster (local) */
	int			housekeeping_s; /* audit retention runs every (3600) */
} api_config;

/* Defaults, then the file; on error prints to stderr and returns -1. */
int			api_config_load(api_config *cfg, const char *path);

void		api_config_free(api_config *cfg);

#endif
