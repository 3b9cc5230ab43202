/*
 * http.h: pdns-api's request handler for libmicrohttpd.
 */
#ifndef PDNS_API_HTTP_H
#define PDNS_API_HTTP_H

#include <microhttpd.h>

#include "config.h"
#include "pool.h"

typedef struct api_server
{
	const api_config *cfg;
	api_pool   *pool;
} api_server;

/* MHD_AccessHandlerCallback; cls is the api_server. */
enum MHD_Result api_handle(void *cls, struct MHD_Connection *connection,
						   const char *url, const char *method, const char *version,
						   const char *upload_data, size_t *upload_data_size, void **req_cls);

/* MHD_UnescapeCallback: percent-decoding, with %00 made a control character. */
size_t		api_unescape(void *cls, struct MHD_Connection *connection, char *s);

/* Appends s to out as a JSON string (with its quotes); returns the length. */
size_t		api_json_string(const char *s, char *out, size_t outlen);

#endif
