/*
 * field_split.c
 *		Field splitting for the text and CSV forms of an input line.
 */
#include "field_split.h"
#include "hex_digit.h"

static bool
fail(const char **reason, const char *why)
{
	*reason = why;
	return false;
}

/*
 * COPY text format: fields separated by the delimiter; backslash escapes
 * \b \f \n \r \t \v \\, \ooo octal, \xhh hex, any other \c is c; a field
 * that is exactly \N is NULL.
 */
bool
split_text_line(const char *line, size_t len, char delimiter,
				fields *out, char *scratch, const char **reason)
{
	size_t		i = 0;
	char	   *o = scratch;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	out->count = 0;
	for (;;)
	{
		char	   *start = o;
		size_t		fstart = i;

		if (out->count == FIELDS_MAX)
			return fail(reason, "too many fields");
		while (i < len && line[i] != delimiter)
		{
			char		c = line[i++];

			if (c != '\\')
			{
				*o++ = c;
				continue;
			}
			if (i >= len)
				return fail(reason, "a backslash ends the line");
			c = line[i++];
			switch (c)
			{
				case 'b':
					*o++ = '\b';
					break;
				case 'f':
					*o++ = '\f';
					break;
				case 'n':
					*o++ = '\n';
					break;
				case 'r':
					*o++ = '\r';
					break;
				case 't':
					*o++ = '\t';
					break;
				case 'v':
					*o++ = '\v';
					break;
				case 'x':
					{
						int			v = 0,
									n = 0;

						while (n < 2 && i < len && hex_digit_value(line[i]) >= 0)
						{
							v = v * 16 + hex_digit_value(line[i++]);
							n++;
						}
						if (n == 0)
							*o++ = 'x';
						else
							*o++ = (char) v;
						break;
					}
				default:
					if (c >= '0' && c <= '7')
					{
						int			v = c - '0',
									n = 1;

						while (n < 3 && i < len && line[i] >= '0' && line[i] <= '7')
						{
							v = v * 8 + (line[i++] - '0');
							n++;
						}
						*o++ = (char) v;
					}
					else
						*o++ = c;
					break;
			}
		}
		out->null[out->count] = (i - fstart == 2 && line[fstart] == '\\' && line[fstart + 1] == 'N');
		*o = '\0';
		out->value[out->count] = start;
		out->len[out->count] = (size_t) (o - start);
		out->count++;
		o++;
		if (i >= len)
			return true;
		i++;					/* the delimiter */
	}
}

/*
 * CSV: fields separated by the delimiter; a field may be quoted with ",
 * inside which "" is a quote and the delimiter is data.  An unquoted empty
 * field is NULL; a quoted empty field is an empty string.
 */
bool
split_csv_line(const char *line, size_t len, char delimiter,
			   fields *out, char *scratch, const char **reason)
{
	size_t		i = 0;
	char	   *o = scratch;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	out->count = 0;
	for (;;)
	{
		char	   *start = o;
		bool		quoted = false;

		if (out->count == FIELDS_MAX)
			return fail(reason, "too many fields");
		if (i < len && line[i] == '"')
		{
			quoted = true;
			i++;
			for (;;)
			{
				if (i >= len)
					return fail(reason, "a quoted field is not closed");
				if (line[i] == '"')
				{
					if (i + 1 < len && line[i + 1] == '"')
					{
						*o++ = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				*o++ = line[i++];
			}
			if (i < len && line[i] != delimiter)
				return fail(reason, "data follows a closing quote");
		}
		else
		{
			while (i < len && line[i] != delimiter)
			{
				if (line[i] == '"')
					return fail(reason, "a quote inside an unquoted field");
				*o++ = line[i++];
			}
		}
		*o = '\0';
		out->value[out->count] = start;
		out->len[out->count] = (size_t) (o - start);
		out->null[out->count] = !quoted && o == start;
		out->count++;
		o++;
		if (i >= len)
			return true;
		i++;
	}
}
