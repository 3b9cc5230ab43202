/*
 * fuzz_api_request.c
 *		libFuzzer harness for pdns-api's request parser (src/bin/api/request.c).
 *		The input is lines: a method, a path, then name=value parameters.
 *		Checks bounds (ASan) and the parser's promises: a refusal is a 4xx
 *		status with a message; an accepted request's values are terminated
 *		within their buffers and hold only what their kind allows.
 */
#include "request.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_field(const char *s, size_t max, const char *allowed_extra, int alnum_only)
{
	size_t		len = strnlen(s, max + 1);

	if (len > max)
		abort();
	if (alnum_only)
		for (size_t i = 0; i < len; i++)
			if (!isalnum((unsigned char) s[i]) && !strchr(allowed_extra, s[i]))
				abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = malloc(size + 1);
	char	   *lines[API_PARAMS_MAX + 8];
	int			n = 0;
	api_param	params[API_PARAMS_MAX + 6];
	size_t		nparams = 0;
	api_request req;
	char		msg[API_MSG_MAX];
	int			status;

	memcpy(text, data, size);
	text[size] = '\0';
	for (char *p = text; n < (int) (sizeof(lines) / sizeof(lines[0]));)
	{
		char	   *nl = strchr(p, '\n');

		lines[n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	if (n < 2)
	{
		free(text);
		return 0;
	}
	for (int i = 2; i < n && nparams < sizeof(params) / sizeof(params[0]); i++)
	{
		char	   *eq = strchr(lines[i], '=');

		params[nparams].name = lines[i];
		params[nparams].value = NULL;
		if (eq)
		{
			*eq = '\0';
			params[nparams].value = eq + 1;
		}
		nparams++;
	}

	status = api_request_parse(lines[0], lines[1], params, nparams, &req, msg);
	if (status != 0)
	{
		if (status < 400 || status > 499 || msg[0] == '\0' || strnlen(msg, API_MSG_MAX) >= API_MSG_MAX)
			abort();
	}
	else
	{
		check_field(req.value, API_VALUE_MAX, "", 0);
		check_field(req.bailiwick, API_VALUE_MAX, "", 0);
		check_field(req.rrtype, API_TYPE_MAX, "-", 1);
		check_field(req.time_first_before, API_FENCE_MAX, "-:TZ. +", 1);
		check_field(req.time_first_after, API_FENCE_MAX, "-:TZ. +", 1);
		check_field(req.time_last_before, API_FENCE_MAX, "-:TZ. +", 1);
		check_field(req.time_last_after, API_FENCE_MAX, "-:TZ. +", 1);
		if (req.kind >= API_KIND_COUNT || req.offset < 0 || req.limit < -1)
			abort();
		if (req.service == API_DNSDB || req.service == API_CIRCL)
		{
			if (req.value[0] == '\0')
				abort();
			/* values reach SQL as parameters, but never with control characters */
			for (const unsigned char *p = (const unsigned char *) req.value; *p; p++)
				if (*p < 0x20 || *p == 0x7f)
					abort();
			if (req.kind == API_RDATA_RAW)
			{
				size_t		len = strlen(req.value);

				if (len % 2 != 0)
					abort();
				check_field(req.value, API_VALUE_MAX, "", 1);
			}
		}
	}
	{
		char		audit[512];

		api_params_text(params, nparams, audit, sizeof(audit));
		if (strnlen(audit, sizeof(audit)) >= sizeof(audit))
			abort();
	}
	free(text);
	return 0;
}
