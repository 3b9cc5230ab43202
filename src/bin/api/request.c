/*
 * request.c: the paths and parameters of the DNSDB API v2 and CIRCL pDNS,
 * checked and turned into a struct api_request (see request.h).
 *
 *	/dnsdb/v2/ping
 *	/dnsdb/v2/rate_limit
 *	/dnsdb/v2/{lookup|summarize}/rrset/name/{name}[/{rrtype}[/{bailiwick}]]
 *	/dnsdb/v2/{lookup|summarize}/rrset/raw/{hex}[/{rrtype}[/{bailiwick}]]
 *	/dnsdb/v2/{lookup|summarize}/rdata/name/{name}[/{rrtype}]
 *	/dnsdb/v2/{lookup|summarize}/rdata/ip/{address | address,prefix | low-high}
 *	/dnsdb/v2/{lookup|summarize}/rdata/raw/{hex}[/{rrtype}]
 *	/pdns/query/{name or address}
 *	/pdns/v1/volume/{name|domain}/{name}		(the explorer's volume chart)
 *	/pdns/v1/enrich/{address}?first=&last=		(enrichment while seen)
 *	/pdns/v1/domain/{name}						(its registered domain, by the PSL)
 *	/, /index.html, /explorer/{file}			(the explorer page)
 */
#include "request.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEGMENTS_MAX 10

static int
refuse(char msg[API_MSG_MAX], int status, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(msg, API_MSG_MAX, fmt, ap);
	va_end(ap);
	return status;
}

/* Splits path (after its leading '/') into segments; empty ones count. */
static int
split_path(char *path, char *seg[SEGMENTS_MAX])
{
	int			n = 0;
	char	   *p = path;

	if (*p == '/')
		p++;
	for (;;)
	{
		char	   *slash = strchr(p, '/');

		if (n == SEGMENTS_MAX)
			return -1;
		seg[n++] = p;
		if (!slash)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	/* a trailing slash is no segment */
	if (n > 1 && seg[n - 1][0] == '\0')
		n--;
	return n;
}

/* A name as DNSDB takes it: printable, no spaces, wildcards left to SQL. */
static int
check_name(const char *what, const char *s, char *out, size_t outmax, char msg[API_MSG_MAX])
{
	size_t		len = strlen(s);

	if (len == 0)
		return refuse(msg, 400, "empty %s", what);
	if (len > outmax)
		return refuse(msg, 400, "%s longer than %zu characters", what, outmax);
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return refuse(msg, 400, "%s holds a space or control character at position %d",
						  what, (int) (p - (const unsigned char *) s) + 1);
	memcpy(out, s, len + 1);
	return 0;
}

static int
check_rrtype(const char *s, char out[API_TYPE_MAX + 1], char msg[API_MSG_MAX])
{
	size_t		len = strlen(s);

	if (len == 0 || len > API_TYPE_MAX)
		return refuse(msg, 400, "invalid rrtype: expected a type name such as A or TYPE65, ANY or ANY-DNSSEC");
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char) *p) && *p != '-')
			return refuse(msg, 400, "invalid rrtype \"%s\": expected a type name such as A or TYPE65, ANY or ANY-DNSSEC", s);
	memcpy(out, s, len + 1);
	return 0;
}

static int
check_hex(const char *what, const char *s, char msg[API_MSG_MAX])
{
	size_t		len = strlen(s);

	if (len == 0 || len % 2 != 0)
		return refuse(msg, 400, "%s must be an even number of hex digits", what);
	if (len > API_VALUE_MAX)
		return refuse(msg, 400, "%s longer than %d hex digits", what, API_VALUE_MAX);
	for (const char *p = s; *p; p++)
		if (!isxdigit((unsigned char) *p))
			return refuse(msg, 400, "%s holds a character that is not a hex digit at position %d",
						  what, (int) (p - s) + 1);
	return 0;
}

static int
hexval(char c)
{
	return isdigit((unsigned char) c) ? c - '0' : (tolower((unsigned char) c) - 'a' + 10);
}

/*
 * A wire-format owner name in hex to presentation form (\DDD for octets
 * that are not letters, digits, '-', '_' or '*', and for '.' and '\').
 */
static int
wire_name_to_text(const char *hex, char *out, size_t outmax, char msg[API_MSG_MAX])
{
	unsigned char wire[API_VALUE_MAX / 2];
	size_t		n = strlen(hex) / 2;
	size_t		pos = 0,
				o = 0;
	int			rc;

	if ((rc = check_hex("raw name", hex, msg)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		wire[i] = (unsigned char) (hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
	if (n > 255)
		return refuse(msg, 400, "raw name longer than 255 octets");
	while (pos < n)
	{
		unsigned	len = wire[pos++];

		if (len == 0)
		{
			if (pos != n)
				return refuse(msg, 400, "raw name has octets after its root label");
			break;
		}
		if (len > 63)
			return refuse(msg, 400, "raw name has a label of %u octets (at most 63, no compression)", len);
		if (pos + len > n)
			return refuse(msg, 400, "raw name ends inside a label");
		for (unsigned i = 0; i < len; i++)
		{
			unsigned char c = wire[pos + i];

			if (o + 5 > outmax)
				return refuse(msg, 400, "raw name too long");
			if (isalnum(c) || c == '-' || c == '_' || c == '*')
				out[o++] = (char) c;
			else
				o += (size_t) snprintf(out + o, outmax - o, "\\%03u", c);
		}
		pos += len;
		out[o++] = '.';
	}
	if (o == 0)
		out[o++] = '.';
	else if (o > 1)
		o--;					/* the lookups take names without the final dot */
	out[o] = '\0';
	return 0;
}

/* An address, "address,prefix" (DNSDB) or "low-high", as the SQL takes it. */
static int
check_ip(const char *s, char *out, char msg[API_MSG_MAX])
{
	size_t		len = strlen(s);
	char		buf[128];
	char	   *sep;
	unsigned char addr[16];

	if (len == 0 || len >= sizeof(buf))
		return refuse(msg, 400, "invalid address: expected an IPv4 or IPv6 address, address,prefix or low-high");
	memcpy(buf, s, len + 1);
	if ((sep = strchr(buf, ',')) != NULL || (sep = strchr(buf, '/')) != NULL)
	{
		char	   *end;
		long		prefix;
		bool		v6;

		*sep = '\0';
		v6 = strchr(buf, ':') != NULL;
		if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, addr) != 1)
			return refuse(msg, 400, "invalid address \"%s\"", buf);
		errno = 0;
		prefix = strtol(sep + 1, &end, 10);
		if (sep[1] == '\0' || *end != '\0' || errno || prefix < 0 || prefix > (v6 ? 128 : 32))
			return refuse(msg, 400, "invalid prefix length \"%s\" (0 to %d)", sep + 1, v6 ? 128 : 32);
		snprintf(out, API_VALUE_MAX, "%s/%ld", buf, prefix);
		return 0;
	}
	if ((sep = strchr(buf, '-')) != NULL)
	{
		bool		v6;

		*sep = '\0';
		v6 = strchr(buf, ':') != NULL;
		if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, addr) != 1 ||
			inet_pton(v6 ? AF_INET6 : AF_INET, sep + 1, addr) != 1)
			return refuse(msg, 400, "invalid address range \"%s\": expected low-high of one family", s);
		*sep = '-';
		memcpy(out, buf, len + 1);
		return 0;
	}
	if (inet_pton(strchr(buf, ':') ? AF_INET6 : AF_INET, buf, addr) != 1)
		return refuse(msg, 400, "invalid address \"%s\"", s);
	memcpy(out, buf, len + 1);
	return 0;
}

static bool
looks_like_ip(const char *s)
{
	unsigned char addr[16];
	char		buf[128];
	char	   *sep;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	if ((sep = strchr(buf, '/')) != NULL || (sep = strchr(buf, ',')) != NULL)
		*sep = '\0';
	return inet_pton(AF_INET, buf, addr) == 1 || inet_pton(AF_INET6, buf, addr) == 1;
}

static int
parse_count(const char *name, const char *v, long long min, long long max, long long *out,
			char msg[API_MSG_MAX])
{
	char	   *end;
	long long	n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno || !isdigit((unsigned char) v[0]) || n < min || n > max)
		return refuse(msg, 400, "invalid %s \"%.40s\": expected a whole number from %lld to %lld",
					  name, v, min, max);
	*out = n;
	return 0;
}

static int
parse_bool(const char *name, const char *v, bool *out, char msg[API_MSG_MAX])
{
	/* dnsdbq -g sends aggr=f */
	if (strcmp(v, "true") == 0 || strcmp(v, "t") == 0 || strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "false") == 0 || strcmp(v, "f") == 0 || strcmp(v, "0") == 0)
		*out = false;
	else
		return refuse(msg, 400, "invalid %s \"%.40s\": expected true or false", name, v);
	return 0;
}

/*
 * A time fence: epoch seconds, negative seconds relative to now (DNSDB's
 * forms), or a UTC date/time such as 2024-01-31 or 2024-01-31T12:00:00Z.
 */
static int
parse_fence(const char *name, const char *v, char out[API_FENCE_MAX + 1], char msg[API_MSG_MAX])
{
	size_t		len = strlen(v);
	bool		digits = len > 0;

	if (len == 0 || len > API_FENCE_MAX)
		return refuse(msg, 400, "invalid %s: expected epoch seconds, negative seconds before now, or a UTC date", name);
	for (size_t i = 0; i < len; i++)
	{
		char		c = v[i];

		if (!isdigit((unsigned char) c) && !(i == 0 && c == '-'))
			digits = false;
		if (!isdigit((unsigned char) c) && !strchr("-:TZ. +", c))
			return refuse(msg, 400, "invalid %s \"%.40s\": expected epoch seconds, negative seconds before now, or a UTC date",
						  name, v);
	}
	if (digits && len > 12)
		return refuse(msg, 400, "invalid %s \"%.40s\": out of range", name, v);
	memcpy(out, v, len + 1);
	return 0;
}

static int
parse_params(const api_param *params, size_t nparams, api_request *req, char msg[API_MSG_MAX])
{
	int			rc = 0;

	if (nparams > API_PARAMS_MAX)
		return refuse(msg, 400, "too many query parameters (at most %d)", API_PARAMS_MAX);
	for (size_t i = 0; i < nparams && rc == 0; i++)
	{
		const char *n = params[i].name;
		const char *v = params[i].value ? params[i].value : "";

		if (strlen(v) > API_VALUE_MAX)
			rc = refuse(msg, 400, "query parameter \"%.40s\" longer than %d characters", n, API_VALUE_MAX);
		else if (strcmp(n, "limit") == 0)
			rc = parse_count(n, v, 0, 1000000000000LL, &req->limit, msg);
		else if (strcmp(n, "offset") == 0)
			rc = parse_count(n, v, 0, 1000000000000LL, &req->offset, msg);
		else if (strcmp(n, "max_count") == 0)
			rc = parse_count(n, v, 1, 1000000000000LL, &req->max_count, msg);
		else if (strcmp(n, "time_first_before") == 0)
			rc = parse_fence(n, v, req->time_first_before, msg);
		else if (strcmp(n, "time_first_after") == 0)
			rc = parse_fence(n, v, req->time_first_after, msg);
		else if (strcmp(n, "time_last_before") == 0)
			rc = parse_fence(n, v, req->time_last_before, msg);
		else if (strcmp(n, "time_last_after") == 0)
			rc = parse_fence(n, v, req->time_last_after, msg);
		else if (strcmp(n, "humantime") == 0)
			rc = parse_bool(n, v, &req->humantime, msg);
		else if (strcmp(n, "aggr") == 0)
			rc = parse_bool(n, v, &req->aggr, msg);
		/* anything else (swclient, version, id, ...) is the client's own */
	}
	return rc;
}

/* /pdns/v1/volume/{name|domain}/{name}, /pdns/v1/enrich/{address}, /pdns/v1/domain/{name} */
static int
parse_explorer(char **seg, int n, const api_param *params, size_t nparams,
			   api_request *req, char msg[API_MSG_MAX])
{
	int			rc;

	req->service = API_EXPLORER;
	if (strcmp(seg[2], "volume") == 0)
	{
		if (n != 5 || (strcmp(seg[3], "name") != 0 && strcmp(seg[3], "domain") != 0))
			return refuse(msg, 404, "no such endpoint: expected /pdns/v1/volume/{name|domain}/{name}");
		req->kind = seg[3][0] == 'n' ? API_VOLUME_NAME : API_VOLUME_DOMAIN;
		rc = check_name("name", seg[4], req->value, API_VALUE_MAX, msg);
		return rc ? rc : parse_params(params, nparams, req, msg);
	}
	if (strcmp(seg[2], "domain") == 0)
	{
		if (n != 4)
			return refuse(msg, 404, "no such endpoint: expected /pdns/v1/domain/{name}");
		req->kind = API_DOMAIN;
		return check_name("name", seg[3], req->value, API_VALUE_MAX, msg);
	}
	if (strcmp(seg[2], "enrich") == 0)
	{
		if (n != 4)
			return refuse(msg, 404, "no such endpoint: expected /pdns/v1/enrich/{address}");
		req->kind = API_ENRICH;
		if ((rc = check_ip(seg[3], req->value, msg)) != 0)
			return rc;
		if (strchr(req->value, '/') || strchr(req->value, '-'))
			return refuse(msg, 400, "enrichment is of one address, not a network or range");
		for (size_t i = 0; i < nparams && i < API_PARAMS_MAX; i++)
		{
			const char *v = params[i].value ? params[i].value : "";

			/* the span the address was seen in: fences of the enrichment */
			if (strcmp(params[i].name, "first") == 0)
				rc = parse_fence("first", v, req->time_first_after, msg);
			else if (strcmp(params[i].name, "last") == 0)
				rc = parse_fence("last", v, req->time_last_before, msg);
			if (rc)
				return rc;
		}
		return 0;
	}
	return refuse(msg, 404, "no such endpoint: /pdns/v1/%.40s", seg[2]);
}

int
api_request_parse(const char *method, const char *path,
				  const api_param *params, size_t nparams,
				  api_request *req, char msg[API_MSG_MAX])
{
	char		buf[API_PATH_MAX + 1];
	char	   *seg[SEGMENTS_MAX];
	int			n,
				rc;
	const char *what;

	memset(req, 0, sizeof(*req));
	req->limit = -1;
	req->max_count = -1;
	req->aggr = true;
	msg[0] = '\0';

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return refuse(msg, 405, "method %.16s not allowed: the API answers GET", method);
	if (strlen(path) > API_PATH_MAX)
		return refuse(msg, 414, "path longer than %d characters", API_PATH_MAX);
	strcpy(buf, path);
	if ((n = split_path(buf, seg)) < 0)
		return refuse(msg, 404, "no such endpoint: too many path segments");

	if (n == 3 && strcmp(seg[0], "pdns") == 0 && strcmp(seg[1], "query") == 0)
	{
		req->service = API_CIRCL;
		if (looks_like_ip(seg[2]))
		{
			req->kind = API_CIRCL_IP;
			rc = check_ip(seg[2], req->value, msg);
		}
		else
		{
			req->kind = API_CIRCL_NAME;
			rc = check_name("name", seg[2], req->value, API_VALUE_MAX, msg);
		}
		return rc ? rc : parse_params(params, nparams, req, msg);
	}

	if (n == 1 && (seg[0][0] == '\0' || strcmp(seg[0], "index.html") == 0))
	{
		req->service = API_STATIC;
		strcpy(req->value, "index.html");
		return 0;
	}
	if (n == 2 && strcmp(seg[0], "explorer") == 0)
	{
		req->service = API_STATIC;
		return check_name("file name", seg[1], req->value, 64, msg);
	}
	if (n >= 3 && strcmp(seg[0], "pdns") == 0 && strcmp(seg[1], "v1") == 0)
		return parse_explorer(seg, n, params, nparams, req, msg);

	if (n < 3 || strcmp(seg[0], "dnsdb") != 0 || strcmp(seg[1], "v2") != 0)
		return refuse(msg, 404, "no such endpoint: paths start /dnsdb/v2/, /pdns/query/ or /pdns/v1/");
	if (n == 3 && strcmp(seg[2], "ping") == 0)
	{
		req->service = API_PING;
		return 0;
	}
	if (n == 3 && strcmp(seg[2], "rate_limit") == 0)
	{
		req->service = API_RATE_LIMIT;
		return 0;
	}
	req->service = API_DNSDB;
	if (strcmp(seg[2], "summarize") == 0)
		req->summarize = true;
	else if (strcmp(seg[2], "lookup") != 0)
		return refuse(msg, 404, "no such endpoint: /dnsdb/v2/%.40s", seg[2]);
	if (n < 6)
		return refuse(msg, 404, "incomplete path: expected /dnsdb/v2/%s/{rrset|rdata}/{name|raw|ip}/{value}",
					  seg[2]);

	what = seg[3];
	if (strcmp(what, "rrset") == 0)
	{
		if (n > 8)
			return refuse(msg, 404, "too many path segments: expected .../rrset/%s/{value}[/{rrtype}[/{bailiwick}]]", seg[4]);
		if (strcmp(seg[4], "name") == 0)
		{
			req->kind = API_RRSET_NAME;
			rc = check_name("name", seg[5], req->value, API_VALUE_MAX, msg);
		}
		else if (strcmp(seg[4], "raw") == 0)
		{
			req->kind = API_RRSET_RAW;
			rc = wire_name_to_text(seg[5], req->value, API_VALUE_MAX, msg);
		}
		else
			return refuse(msg, 404, "no such endpoint: rrset lookups are by name or raw");
		if (rc == 0 && n > 6)
			rc = check_rrtype(seg[6], req->rrtype, msg);
		if (rc == 0 && n > 7)
			rc = check_name("bailiwick", seg[7], req->bailiwick, API_VALUE_MAX, msg);
	}
	else if (strcmp(what, "rdata") == 0)
	{
		if (n > 7)
			return refuse(msg, 404, "too many path segments: expected .../rdata/%s/{value}[/{rrtype}]", seg[4]);
		if (strcmp(seg[4], "name") == 0)
		{
			req->kind = API_RDATA_NAME;
			rc = check_name("name", seg[5], req->value, API_VALUE_MAX, msg);
		}
		else if (strcmp(seg[4], "ip") == 0)
		{
			if (n > 6)
				return refuse(msg, 404, "too many path segments: expected .../rdata/ip/{address}");
			req->kind = API_RDATA_IP;
			rc = check_ip(seg[5], req->value, msg);
		}
		else if (strcmp(seg[4], "raw") == 0)
		{
			req->kind = API_RDATA_RAW;
			rc = check_hex("raw rdata", seg[5], msg);
			if (rc == 0)
				strcpy(req->value, seg[5]);
		}
		else
			return refuse(msg, 404, "no such endpoint: rdata lookups are by name, ip or raw");
		if (rc == 0 && n > 6)
			rc = check_rrtype(seg[6], req->rrtype, msg);
	}
	else
		return refuse(msg, 404, "no such endpoint: expected rrset or rdata after /dnsdb/v2/%s/", seg[2]);
	if (rc != 0)
		return rc;
	return parse_params(params, nparams, req, msg);
}

void
api_params_text(const api_param *params, size_t nparams, char *out, size_t outlen)
{
	size_t		o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < nparams && o + 1 < outlen; i++)
	{
		int			w = snprintf(out + o, outlen - o, "%s%s=%s", i ? "&" : "",
								 params[i].name, params[i].value ? params[i].value : "");

		if (w < 0)
			break;
		o += (size_t) w;
	}
	if (o >= outlen)
		out[outlen - 1] = '\0';
}
