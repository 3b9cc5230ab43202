/*
 * ingest_escape.c
 *		Text made of input octets that is always valid text: sensor names
 *		and reject reasons quote what a line held, and a line may hold any
 *		octet.  A store whose text columns held invalid UTF-8 would not
 *		restore from its dump.
 */
#include "ingest.h"

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"

/*
 * The octets as text: valid characters of the database encoding as they
 * are, except control characters; every other octet as \xHH.  Stops at
 * max octets of input and at a NUL.
 */
char *
ingest_escape_text(const char *s, size_t len, size_t max)
{
	StringInfoData b;
	int			encoding = GetDatabaseEncoding();
	size_t		i = 0;

	if (len > max)
		len = max;
	initStringInfo(&b);
	while (i < len && s[i] != '\0')
	{
		unsigned char c = (unsigned char) s[i];
		int			n;

		if (c >= 0x20 && c < 0x7F)
		{
			appendStringInfoChar(&b, (char) c);
			i++;
			continue;
		}
		if (c >= 0x80 && encoding != PG_SQL_ASCII &&
			(n = pg_encoding_verifymbchar(encoding, s + i, (int) (len - i))) > 1)
		{
			appendBinaryStringInfo(&b, s + i, n);
			i += n;
			continue;
		}
		appendStringInfo(&b, "\\x%02x", c);
		i++;
	}
	return b.data;
}
