/*
 * fuzz_ingest_line.c
 *		libFuzzer harness for the ingestion line parsers: text and CSV field
 *		splitting, time parsing, class/rcode parsing.  Checks bounds (ASan),
 *		that field slices lie in the scratch buffer, and that parsed times
 *		are in range.
 */
#include "dns_codes.h"
#include "field_split.h"
#include "time_parse.h"

#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_fields(const fields *f, const char *scratch, size_t size)
{
	int			i;

	if (f->count < 1 || f->count > FIELDS_MAX)
		abort();
	for (i = 0; i < f->count; i++)
	{
		int64_t		usec;
		uint16_t	code;
		const char *reason;

		if (f->value[i] < scratch || f->value[i] + f->len[i] > scratch + size + 1 + FIELDS_MAX)
			abort();
		if (parse_time_usec(f->value[i], f->len[i], &usec, &reason) &&
			(usec < 0 || usec > INT64_C(253402300800000000)))
			abort();
		(void) dns_class_from_text(f->value[i], f->len[i], &code);
		(void) dns_rcode_from_text(f->value[i], f->len[i], &code);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *scratch = malloc(size + 1 + FIELDS_MAX);
	fields		f;
	const char *reason;

	if (split_text_line((const char *) data, size, '\t', &f, scratch, &reason))
		check_fields(&f, scratch, size);
	if (split_csv_line((const char *) data, size, ',', &f, scratch, &reason))
		check_fields(&f, scratch, size);
	free(scratch);
	return 0;
}
