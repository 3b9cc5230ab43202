/*
 * fuzz_mmdb_config.c
 *		libFuzzer harness for the pdns.mmdb_databases parser.
 *
 * Properties checked on every input:
 *	- parsing never crashes or reads past the buffer (ASan/UBSan);
 *	- an accepted list has at most MMDB_CONFIG_ENTRIES_MAX entries, each with
 *	  a non-empty valid name and an absolute path lying inside the buffer;
 *	- an error's offset lies inside the input.
 */
#include "mmdb_config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mmdb_config_entry entries[MMDB_CONFIG_ENTRIES_MAX];
	mmdb_config_error err;
	char	   *buf;
	size_t		len;
	int			n;

	if (memchr(data, '\0', size) != NULL)
		return 0;				/* a setting is a C string */
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	len = size;

	n = mmdb_config_parse(buf, entries, &err);
	if (n < 0)
	{
		if (err.offset > len || err.message == NULL)
			abort();
	}
	else
	{
		if (n > MMDB_CONFIG_ENTRIES_MAX)
			abort();
		for (int i = 0; i < n; i++)
		{
			size_t		nl = strlen(entries[i].name);

			if (nl == 0 || nl > MMDB_CONFIG_NAME_MAX)
				abort();
			if (entries[i].path < buf || entries[i].path >= buf + len
				|| entries[i].path[0] != '/')
				abort();
		}
	}
	free(buf);
	return 0;
}
