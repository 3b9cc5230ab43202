/*
 * config.c: reads pdns-api's configuration file (config.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
defaults(api_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = strdup("127.0.0.1");
	cfg->port = 8053;
	cfg->database = strdup("");
	cfg->pool_size = 8;
	cfg->pool_wait_ms = 5000;
	cfg->max_clients = 256;
	cfg->max_clients_per_ip = 64;
	cfg->timeout_s = 30;
	cfg->statement_timeout_ms = 60000;
	cfg->default_limit = 10000;
	cfg->max_header_bytes = 16384;
	cfg->housekeeping_s = 3600;
}

static int
int_setting(const char *path, int line, const char *name, const char *v,
			long long min, long long max, long long *out)
{
	char	   *end;
	long long	n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno || n < min || n > max)
	{
		fprintf(stderr, "pdns-api: %s:%d: %s must be a whole number from %lld to %lld\n",
				path, line, name, min, max);
		return -1;
	}
	*out = n;
	return 0;
}

static int
bool_setting(const char *path, int line, const char *name, const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "on") == 0 || strcmp(v, "true") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "off") == 0 || strcmp(v, "false") == 0)
		*out = false;
	else
	{
		fprintf(stderr, "pdns-api: %s:%d: %s must be yes or no\n", path, line, name);
		return -1;
	}
	return 0;
}

static int
apply(api_config *cfg, const char *path, int line, const char *name, const char *v)
{
	long long	n;
	struct
	{
		const char *name;
		int		   *field;
		long long	min,
					max;
	}			ints[] = {
		{"port", &cfg->port, 0, 65535},
		{"pool_size", &cfg->pool_size, 1, 1024},
		{"pool_wait_ms", &cfg->pool_wait_ms, 0, 600000},
		{"max_clients", &cfg->max_clients, 1, 100000},
		{"max_clients_per_ip", &cfg->max_clients_per_ip, 1, 100000},
		{"timeout", &cfg->timeout_s, 1, 86400},
		{"statement_timeout_ms", &cfg->statement_timeout_ms, 0, INT_MAX},
		{"max_header_bytes", &cfg->max_header_bytes, 1024, 1048576},
		{"housekeeping", &cfg->housekeeping_s, 1, 86400 * 7},
	};
	char	  **strs[][2] = {
		{(char **) "listen", &cfg->listen},
		{(char **) "database", &cfg->database},
		{(char **) "tls_cert", &cfg->tls_cert},
		{(char **) "tls_key", &cfg->tls_key},
	};

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (strcmp(name, ints[i].name) == 0)
		{
			if (int_setting(path, line, name, v, ints[i].min, ints[i].max, &n) != 0)
				return -1;
			*ints[i].field = (int) n;
			return 0;
		}
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strcmp(name, (const char *) strs[i][0]) == 0)
		{
			free(*strs[i][1]);
			*strs[i][1] = strdup(v);
			return 0;
		}
	if (strcmp(name, "default_limit") == 0)
		return int_setting(path, line, name, v, 1, 1000000000000LL, &cfg->default_limit);
	if (strcmp(name, "trust_forwarded_for") == 0)
		return bool_setting(path, line, name, v, &cfg->trust_forwarded_for);
	if (strcmp(name, "synchronous_commit") == 0)
		return bool_setting(path, line, name, v, &cfg->synchronous_commit);
	if (strcmp(name, "lookups") == 0)
	{
		if (strcmp(v, "local") != 0 && strcmp(v, "cluster") != 0)
		{
			fprintf(stderr, "pdns-api: %s:%d: lookups must be local or cluster\n", path, line);
			return -1;
		}
		cfg->cluster = strcmp(v, "cluster") == 0;
		return 0;
	}
	fprintf(stderr, "pdns-api: %s:%d: unknown setting \"%s\"\n", path, line, name);
	return -1;
}

static char *
trim(char *s)
{
	char	   *e;

	while (isspace((unsigned char) *s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char) e[-1]))
		*--e = '\0';
	return s;
}

int
api_config_load(api_config *cfg, const char *path)
{
	FILE	   *f;
	char		buf[4096];
	int			line = 0,
				rc = 0;

	defaults(cfg);
	if (path == NULL)
		return 0;
	if ((f = fopen(path, "r")) == NULL)
	{
		fprintf(stderr, "pdns-api: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(buf, sizeof(buf), f))
	{
		char	   *s,
				   *eq,
				   *name,
				   *v;

		line++;
		s = trim(buf);
		if (*s == '#' || *s == '\0')
			continue;
		if ((eq = strchr(s, '=')) == NULL)
		{
			fprintf(stderr, "pdns-api: %s:%d: expected name = value\n", path, line);
			rc = -1;
			break;
		}
		*eq = '\0';
		name = trim(s);
		v = trim(eq + 1);
		if (*v == '"')
		{
			char	   *close = strrchr(v + 1, '"');

			if (close == NULL)
			{
				fprintf(stderr, "pdns-api: %s:%d: unterminated quoted value\n", path, line);
				rc = -1;
				break;
			}
			*close = '\0';
			v++;
		}
		else if ((eq = strchr(v, '#')) != NULL)
		{
			*eq = '\0';
			v = trim(v);
		}
		rc = apply(cfg, path, line, name, v);
	}
	fclose(f);
	if (rc == 0 && (cfg->tls_cert == NULL) != (cfg->tls_key == NULL))
	{
		fprintf(stderr, "pdns-api: %s: tls_cert and tls_key go together\n", path);
		rc = -1;
	}
	return rc;
}

void
api_config_free(api_config *cfg)
{
	free(cfg->listen);
	free(cfg->database);
	free(cfg->tls_cert);
	free(cfg->tls_key);
	memset(cfg, 0, sizeof(*cfg));
}
