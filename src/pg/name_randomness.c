/*
 * name_randomness.c
 *		randomness() and randomness_labels(): how random the labels of a
 *		name look, left of its public suffix (docs/signals.md).
 *
 * Scored are the labels a registrant or a host chose: those left of the
 * public suffix.  A-labels ("xn--", IDNA) and labels starting with '_'
 * (service and attribute labels, RFC 8552) are encodings and conventions,
 * not choices, and are left out.
 */
#include "pdns.h"

#include "funcapi.h"
#include "name_randomness.h"
#include "public_suffix.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(dnsname_randomness);
PG_FUNCTION_INFO_V1(dnsname_randomness_labels);

typedef struct scored_labels
{
	int			first;			/* key index of the first label scored (suffix count) */
	int			labels;			/* labels of the name */
	uint16		starts[DN_KEY_LABELS_MAX];
	uint16		ends[DN_KEY_LABELS_MAX];
} scored_labels;

/* Label boundaries of the name and where the labels to score begin. */
static void
labels_left_of_suffix(const uint8_t *key, size_t len, scored_labels *out)
{
	out->labels = dn_key_labels(key, len, out->starts, out->ends);
	out->first = out->labels == 0 ? 0 : ps_suffix_labels(public_suffix_list(), key, len);
}

/* Score label i of the key; false when it is not scored. */
static bool
measure_label(const uint8_t *key, const scored_labels *l, int i, uint8_t *octets, size_t *n,
			  label_randomness *r)
{
	*n = dn_label_decode(key + l->starts[i], l->ends[i] - l->starts[i], octets);
	if (*n == 0 || octets[0] == '_' || (*n >= 4 && memcmp(octets, "xn--", 4) == 0))
		return false;
	label_randomness_measure(octets, *n, r);
	return true;
}

/* randomness(name): the score of its most random-looking label; NULL if none is scored. */
Datum
dnsname_randomness(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	const uint8_t *key = DNSNAME_KEY(v);
	scored_labels l;
	uint8_t		octets[DN_MAX_LABEL + 1];
	double		best = -1;

	labels_left_of_suffix(key, DNSNAME_KEYLEN(v), &l);
	for (int i = l.first; i < l.labels; i++)
	{
		label_randomness r;
		size_t		n;

		if (measure_label(key, &l, i, octets, &n, &r) && r.score > best)
			best = r.score;
	}
	if (best < 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(best);
}

/*
 * randomness_labels(name): each label left of the public suffix, leftmost
 * first, with its score and the measures behind it (NULL for labels that
 * are not scored).
 */
Datum
dnsname_randomness_labels(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	const uint8_t *key = DNSNAME_KEY(v);
	scored_labels l;
	uint8_t		octets[DN_MAX_LABEL + 1];

	InitMaterializedSRF(fcinfo, 0);
	labels_left_of_suffix(key, DNSNAME_KEYLEN(v), &l);
	for (int i = l.labels - 1; i >= l.first; i--)
	{
		Datum		values[8];
		bool		nulls[8] = {false};
		char		text[4 * DN_MAX_LABEL + 1];
		label_randomness r;
		size_t		n;

		text[dn_label_to_text(key + l.starts[i], l.ends[i] - l.starts[i], text)] = '\0';
		values[0] = Int32GetDatum(l.labels - i);
		values[1] = CStringGetTextDatum(text);
		if (measure_label(key, &l, i, octets, &n, &r))
		{
			values[2] = Float8GetDatum(r.score);
			values[3] = Float8GetDatum(r.surprise);
			values[4] = Float8GetDatum(r.entropy);
			values[5] = Float8GetDatum(r.digit_share);
			values[6] = Int32GetDatum(r.consonant_run);
		}
		else
			for (int c = 2; c <= 6; c++)
				nulls[c] = true;
		values[7] = Int32GetDatum((int32) n);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
