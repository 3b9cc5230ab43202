/*
 * assets.h: the explorer page's files, compiled into pdns-api
 * (tools/embed-assets.pl makes the table from src/bin/api/explorer/).
 */
#ifndef PDNS_API_ASSETS_H
#define PDNS_API_ASSETS_H

#include <stddef.h>

typedef struct api_asset
{
	const char *name;			/* file name; NULL ends the table */
	const char *content_type;
	const unsigned char *data;
	size_t		len;
} api_asset;

extern const api_asset api_assets[];

#endif
