/*
 * mmdb_config.h
 *		The list of named MaxMind databases in the setting
 *		pdns.mmdb_databases.  Pure C core.
 *
 * Syntax: entries separated by commas, each "name = path".  A name is 1 to
 * 63 characters of [a-z0-9_]; a path is absolute, either bare (it ends at
 * the next comma; surrounding white space is dropped) or double-quoted
 * ("" stands for one quote), for paths that hold commas or edge spaces.
 * An empty string is an empty list.  Names must be distinct.
 *
 *		asn = /var/lib/GeoIP/GeoLite2-ASN.mmdb, city="/srv/geo, 2024/City.mmdb"
 */
#ifndef PDNS_MMDB_CONFIG_H
#define PDNS_MMDB_CONFIG_H

#include <stddef.h>

#define MMDB_CONFIG_NAME_MAX	63
#define MMDB_CONFIG_ENTRIES_MAX	64

typedef struct mmdb_config_entry
{
	char		name[MMDB_CONFIG_NAME_MAX + 1];
	char	   *path;			/* NUL-terminated, inside the parsed buffer */
} mmdb_config_entry;

typedef struct mmdb_config_error
{
	size_t		offset;			/* byte offset in the input where it went wrong */
	const char *message;		/* static text, a sentence without the period */
} mmdb_config_error;

/*
 * Parse the NUL-terminated string in buf, which is modified in place (paths
 * are unquoted and terminated there).  Fills at most MMDB_CONFIG_ENTRIES_MAX
 * entries and returns how many, or -1 with *err set.
 */
extern int	mmdb_config_parse(char *buf, mmdb_config_entry *entries,
							  mmdb_config_error *err);

#endif							/* PDNS_MMDB_CONFIG_H */
