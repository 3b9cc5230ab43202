/*
 * mmdb_config.c
 *		Parser of the pdns.mmdb_databases setting (syntax in mmdb_config.h).
 */
#include "mmdb_config.h"

#include <string.h>

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int
fail(mmdb_config_error *err, const char *buf, const char *at, const char *message)
{
	err->offset = (size_t) (at - buf);
	err->message = message;
	return -1;
}

/*
 * mmdb_config_parse: one pass over the buffer.  Quoted paths are unquoted
 * in place (the text only ever shrinks), and every path gets its NUL by
 * overwriting the separator or quote that follows it.
 */
int
mmdb_config_parse(char *buf, mmdb_config_entry *entries, mmdb_config_error *err)
{
	char	   *p = buf;
	int			n = 0;

	while (is_space(*p))
		p++;
	if (*p == '\0')
		return 0;

	for (;;)
	{
		mmdb_config_entry *e;
		const char *name = p;
		size_t		namelen;
		char	   *path;
		char	   *end;

		while (is_name_char(*p))
			p++;
		namelen = (size_t) (p - name);
		if (namelen == 0)
			return fail(err, buf, p, "expected a database name (lower-case letters, digits, underscores)");
		if (namelen > MMDB_CONFIG_NAME_MAX)
			return fail(err, buf, name, "database name is longer than 63 characters");
		while (is_space(*p))
			p++;
		if (*p != '=')
			return fail(err, buf, p, "expected \"=\" after the database name");
		p++;
		while (is_space(*p))
			p++;

		if (n == MMDB_CONFIG_ENTRIES_MAX)
			return fail(err, buf, name, "more than 64 databases");
		for (int i = 0; i < n; i++)
			if (strlen(entries[i].name) == namelen && memcmp(entries[i].name, name, namelen) == 0)
				return fail(err, buf, name, "database name is listed twice");
		e = &entries[n];
		memcpy(e->name, name, namelen);
		e->name[namelen] = '\0';

		path = p;
		if (*p == '"')
		{
			char	   *w = p;

			p++;
			for (;;)
			{
				if (*p == '\0')
					return fail(err, buf, path, "unterminated quoted path");
				if (*p == '"')
				{
					if (p[1] != '"')
						break;
					p++;
				}
				*w++ = *p++;
			}
			end = w;
			p++;				/* the closing quote */
			while (is_space(*p))
				p++;
			if (*p != ',' && *p != '\0')
				return fail(err, buf, p, "expected \",\" after the quoted path");
		}
		else
		{
			while (*p != ',' && *p != '\0')
				p++;
			end = p;
			while (end > path && is_space(end[-1]))
				end--;
		}
		if (end == path)
			return fail(err, buf, path, "expected a file path after \"=\"");
		if (path[0] != '/')
			return fail(err, buf, path, "file path must be absolute");

		/* Note whether the list goes on before the NUL may overwrite the comma. */
		{
			int			more = (*p == ',');

			if (*p != '\0')
				p++;
			*end = '\0';
			e->path = path;
			n++;
			if (!more)
				return n;
		}
		while (is_space(*p))
			p++;
	}
}
