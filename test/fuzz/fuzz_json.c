/*
 * fuzz_json.c
 *		libFuzzer harness for the strict JSON parser: bounds (ASan), and the
 *		DOM's invariants -- member counts match the linked lists, decoded
 *		strings fit in the input's length, error offsets lie in the input.
 */
#include "json_lite.h"

#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_doc doc;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t	i;

	if (!json_parse(&doc, (const char *) data, size))
	{
		if (doc.offset > size || doc.reason[0] == '\0')
			abort();
		return 0;
	}
	for (i = 0; i < doc.n; i++)
	{
		const json_node *n = &doc.nodes[i];
		const json_node *m;
		uint32_t	count = 0;

		if (n->type == JSON_STRING && (n->len > size || n->str[n->len] != '\0'))
			abort();
		for (m = json_first(&doc, n); m != NULL; m = json_next(&doc, m))
		{
			if (m <= n || (n->type == JSON_OBJECT) != (m->key != NULL))
				abort();
			count++;
		}
		if ((n->type == JSON_ARRAY || n->type == JSON_OBJECT) && count != n->count)
			abort();
	}
	return 0;
}
