/*
 * dnsname_codec.c
 *		Presentation format and wire form to and from canonical keys.
 *
 * Parsing goes left to right into an uncompressed wire image (which is where
 * the RFC 1035 limits are defined), then the key is written from the wire
 * image right to left.  Pure-ASCII labels never touch libidn2.
 */
#include "dnsname_codec.h"
#include "idna.h"

#include <stdio.h>
#include <string.h>

/* A wire image under construction: labels left to right, no root octet. */
typedef struct wire_image
{
	uint8_t		buf[DN_MAX_WIRE + DN_MAX_LABEL + 2];
	size_t		len;
	int			nlabels;
	uint16_t	start[DN_MAX_LABELS + 2];	/* offset of each length octet */
} wire_image;

/* The longest label we collect before IDNA conversion (see idna.c). */
#define RAW_LABEL_MAX 1024

static inline uint8_t
fold(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t) (c + ('a' - 'A')) : c;
}

static bool
set_error(dn_error *err, dn_status status, int label, int offset, int length,
		  const char *reason)
{
	err->status = status;
	err->label = label;
	err->offset = offset;
	err->length = length;
	err->reason = reason;
	return false;
}

/* Append one label of raw octets (already folded) to the wire image. */
static bool
wire_append(wire_image *w, const uint8_t *octets, size_t len, int labelno,
			int offset, dn_error *err)
{
	if (len == 0)
		return set_error(err, DN_EMPTY_LABEL, labelno, offset, 0, NULL);
	if (len > DN_MAX_LABEL)
		return set_error(err, DN_LABEL_TOO_LONG, labelno, offset, (int) len, NULL);
	/* +1 for the length octet, +1 for the root octet that ends every name */
	if (w->len + 1 + len + 1 > DN_MAX_WIRE)
		return set_error(err, DN_NAME_TOO_LONG, labelno, offset,
						 (int) (w->len + 1 + len + 1), NULL);
	w->start[w->nlabels++] = (uint16_t) w->len;
	w->buf[w->len++] = (uint8_t) len;
	memcpy(w->buf + w->len, octets, len);
	w->len += len;
	return true;
}

/*
 * Convert an internationalized label and append the resulting label(s).
 * UTS #46 may map full-width and ideographic full stops to '.', so the ASCII
 * result is split again; each piece must be a proper label, except that a
 * mapped dot ending the whole name is the optional trailing dot.
 */
static bool
append_idn_label(wire_image *w, const uint8_t *raw, size_t rawlen,
				 bool last, int *labelno, int offset, dn_error *err)
{
	char		ascii[RAW_LABEL_MAX * 4];
	size_t		alen;
	size_t		i,
				from = 0;
	const char *reason;

	if (!idna_label_to_ascii(raw, rawlen, ascii, sizeof(ascii), &alen, &reason))
		return set_error(err, DN_BAD_IDN, *labelno, offset, (int) rawlen, reason);
	if (last && alen > 1 && ascii[alen - 1] == '.')
		alen--;

	for (i = 0; i <= alen; i++)
	{
		if (i == alen || ascii[i] == '.')
		{
			uint8_t		folded[DN_MAX_LABEL + 1];
			size_t		n = i - from,
						j;

			if (n > DN_MAX_LABEL)
				return set_error(err, DN_LABEL_TOO_LONG, *labelno, offset, (int) n, NULL);
			for (j = 0; j < n; j++)
				folded[j] = fold((uint8_t) ascii[from + j]);
			if (!wire_append(w, folded, n, *labelno, offset, err))
				return false;
			if (i < alen)
				(*labelno)++;
			from = i + 1;
		}
	}
	return true;
}

/*
 * Read one escape at text[*pos] (which is the backslash).  \DDD is a decimal
 * octet value 0..255, \X is X itself for any non-digit X.
 */
static bool
read_escape(const char *text, size_t len, size_t *pos, uint8_t *octet,
			int labelno, dn_error *err)
{
	size_t		p = *pos + 1;
	uint8_t		c;

	if (p >= len)
		return set_error(err, DN_BAD_ESCAPE, labelno, (int) *pos, 0,
						 "a backslash ends the name");
	c = (uint8_t) text[p];
	if (c >= '0' && c <= '9')
	{
		int			value = 0,
					k;

		for (k = 0; k < 3; k++)
		{
			if (p + k >= len || text[p + k] < '0' || text[p + k] > '9')
				return set_error(err, DN_BAD_ESCAPE, labelno, (int) *pos, 0,
								 "\\DDD needs exactly three decimal digits");
			value = value * 10 + (text[p + k] - '0');
		}
		if (value > 255)
			return set_error(err, DN_BAD_ESCAPE, labelno, (int) *pos, value,
							 "\\DDD is above 255");
		*octet = (uint8_t) value;
		*pos = p + 3;
		return true;
	}
	*octet = c;
	*pos = p + 1;
	return true;
}

/* Write the key for a finished wire image: labels right to left. */
static void
wire_to_key(const wire_image *w, dn_key *out)
{
	uint8_t    *k = out->bytes;
	int			i;

	for (i = w->nlabels - 1; i >= 0; i--)
	{
		const uint8_t *lab = w->buf + w->start[i];
		size_t		n = lab[0],
					j;

		for (j = 1; j <= n; j++)
		{
			uint8_t		c = lab[j];

			if (c <= DN_ESC)
			{
				*k++ = DN_ESC;
				*k++ = (uint8_t) (c + 1);
			}
			else
				*k++ = c;
		}
		if (i > 0)
			*k++ = DN_SEP;
	}
	out->len = (size_t) (k - out->bytes);
}

/*
 * The common case, eight octets at a time: printable ASCII other than the
 * backslash, labels of 1 to 63 octets, at most 255 octets in wire form.
 * Returns false, having written nothing that counts, for anything else; the
 * general path then parses it (and words the error).
 */
#define ONES	UINT64_C(0x0101010101010101)
#define HIGHS	UINT64_C(0x8080808080808080)

/* The high bit of each octet of x that is zero, exactly (no borrows). */
static inline uint64_t
zero_octets(uint64_t x)
{
	return ~(((x & ~HIGHS) + ~HIGHS) | x | ~HIGHS);
}

static inline uint64_t
load_le64(const uint8_t *p)
{
	uint64_t	x;

	memcpy(&x, p, sizeof(x));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

static inline void
store_le64(uint8_t *p, uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	memcpy(p, &x, sizeof(x));
}

static bool
plain_ascii_to_key(const char *text, size_t len, dn_key *out)
{
	uint8_t		buf[DN_MAX_WIRE + 8];
	uint8_t		end[DN_MAX_LABELS + 1];	/* where each label ends (len < 255) */
	int			nlabels = 0;
	size_t		start = 0,
				pos;
	uint8_t    *k = out->bytes;

	if (len > 0 && text[len - 1] == '.')
		len--;					/* the optional trailing dot */
	/* wire form: the label octets, a length octet each, the root octet */
	if (len == 0 || len + 2 > DN_MAX_WIRE)
		return false;
	memcpy(buf, text, len);
	memset(buf + len, 'a', 8);	/* padding that is neither a dot nor bad */

	for (pos = 0; pos < len; pos += 8)
	{
		uint64_t	x = load_le64(buf + pos);
		uint64_t	dots;

		/* any octet below '!' or above '~', or a backslash: not plain */
		if (((x - ONES * 0x21) & ~x & HIGHS) |
			(((x + ONES * (127 - 0x7E)) | x) & HIGHS) |
			zero_octets(x ^ (ONES * '\\')))
			return false;
		/* fold A-Z (octets are below 0x80 now, so no carries) */
		x |= ((x + ONES * (0x80 - 'A')) & ~(x + ONES * (0x7F - 'Z')) & HIGHS) >> 2;
		store_le64(buf + pos, x);
		for (dots = zero_octets(x ^ (ONES * '.')); dots != 0; dots &= dots - 1)
		{
			size_t		dot = pos + (size_t) (__builtin_ctzll(dots) >> 3);

			if (dot == start || dot - start > DN_MAX_LABEL)
				return false;
			end[nlabels++] = (uint8_t) dot;
			start = dot + 1;
		}
	}
	if (len == start || len - start > DN_MAX_LABEL)
		return false;
	end[nlabels++] = (uint8_t) len;

	for (int i = nlabels - 1; i >= 0; i--)
	{
		size_t		from = i > 0 ? (size_t) end[i - 1] + 1 : 0;

		memcpy(k, buf + from, end[i] - from);
		k += end[i] - from;
		*k++ = DN_SEP;
	}
	out->len = (size_t) (k - out->bytes) - 1;	/* no separator after the last */
	return true;
}

bool
dn_from_text(const char *text, size_t len, dn_key *out, dn_error *err)
{
	return plain_ascii_to_key(text, len, out) || dn_from_text_general(text, len, out, err);
}

bool
dn_from_text_general(const char *text, size_t len, dn_key *out, dn_error *err)
{
	wire_image	w;
	size_t		pos = 0;
	int			labelno = 1;

	w.len = 0;
	w.nlabels = 0;

	if (len == 0)
		return set_error(err, DN_EMPTY_NAME, 0, 0, 0, NULL);
	if (len == 1 && text[0] == '.')
	{
		out->len = 0;
		return true;
	}

	while (pos < len)
	{
		uint8_t		raw[RAW_LABEL_MAX];
		size_t		rawlen = 0;
		size_t		label_offset = pos;
		bool		literal_8bit = false;
		bool		escaped = false;

		while (pos < len && text[pos] != '.')
		{
			uint8_t		c = (uint8_t) text[pos];

			if (c == '\\')
			{
				if (!read_escape(text, len, &pos, &c, labelno, err))
					return false;
				escaped = true;
			}
			else
			{
				literal_8bit |= (c >= 0x80);
				pos++;
			}
			/* past the buffer we only count, to report the real length */
			if (rawlen < RAW_LABEL_MAX)
				raw[rawlen] = c;
			rawlen++;
		}
		if (rawlen > RAW_LABEL_MAX)
			return set_error(err, DN_LABEL_TOO_LONG, labelno,
							 (int) label_offset, (int) rawlen, NULL);

		if (literal_8bit)
		{
			if (escaped)
				return set_error(err, DN_BAD_IDN, labelno, (int) label_offset, 0,
								 "escapes cannot be mixed with non-ASCII characters in one label");
			/* pos == len: this label ends the text, so a mapped dot may end it */
			if (!append_idn_label(&w, raw, rawlen, pos == len, &labelno,
								  (int) label_offset, err))
				return false;
		}
		else
		{
			size_t		j;

			for (j = 0; j < rawlen; j++)
				raw[j] = fold(raw[j]);
			if (!wire_append(&w, raw, rawlen, labelno, (int) label_offset, err))
				return false;
		}

		if (pos < len)
		{
			pos++;				/* the dot */
			if (pos == len)
				break;			/* the optional trailing dot */
			labelno++;
		}
	}

	wire_to_key(&w, out);
	return true;
}

bool
dn_from_wire(const uint8_t *wire, size_t len, size_t *consumed,
			 dn_key *out, dn_error *err)
{
	wire_image	w;
	size_t		pos = 0;
	int			labelno = 1;

	w.len = 0;
	w.nlabels = 0;

	for (;;)
	{
		uint8_t		n;
		uint8_t		folded[DN_MAX_LABEL];
		size_t		j;

		if (pos >= len)
			return set_error(err, DN_BAD_WIRE, labelno, (int) pos, 0,
							 "the name is truncated");
		n = wire[pos];
		if (n == 0)
			break;
		if (n > DN_MAX_LABEL)
			return set_error(err, DN_BAD_WIRE, labelno, (int) pos, n,
							 (n & 0xC0) == 0xC0 ? "a compression pointer is not allowed here"
							 : "a label length octet is above 63");
		if (pos + 1 + n > len)
			return set_error(err, DN_BAD_WIRE, labelno, (int) pos, 0,
							 "the name is truncated");
		for (j = 0; j < n; j++)
			folded[j] = fold(wire[pos + 1 + j]);
		if (!wire_append(&w, folded, n, labelno, (int) pos, err))
			return false;
		pos += 1 + n;
		labelno++;
	}
	*consumed = pos + 1;
	wire_to_key(&w, out);
	return true;
}

/* Octets that print as themselves, without a backslash. */
static inline bool
is_plain(uint8_t c)
{
	if (c <= 0x20 || c >= 0x7F)
		return false;
	switch (c)
	{
		case '.':
		case '\\':
		case '"':
		case '(':
		case ')':
		case ';':
		case '@':
		case '$':
			return false;
		default:
			return true;
	}
}

size_t
dn_label_decode(const uint8_t *label, size_t len, uint8_t *out)
{
	size_t		i,
				n = 0;

	for (i = 0; i < len; i++)
	{
		if (label[i] == DN_ESC && i + 1 < len)
			out[n++] = (uint8_t) (label[++i] - 1);
		else
			out[n++] = label[i];
	}
	return n;
}

size_t
dn_label_to_text(const uint8_t *label, size_t len, char *out)
{
	size_t		i;
	char	   *o = out;

	for (i = 0; i < len; i++)
	{
		uint8_t		c = label[i];

		if (c == DN_ESC && i + 1 < len)
			c = (uint8_t) (label[++i] - 1);
		if (is_plain(c))
			*o++ = (char) c;
		else if (c > 0x20 && c < 0x7F)
		{
			*o++ = '\\';
			*o++ = (char) c;
		}
		else
		{
			*o++ = '\\';
			*o++ = (char) ('0' + c / 100);
			*o++ = (char) ('0' + (c / 10) % 10);
			*o++ = (char) ('0' + c % 10);
		}
	}
	return (size_t) (o - out);
}

int
dn_key_labels(const uint8_t *key, size_t keylen, uint16_t *starts, uint16_t *ends)
{
	size_t		i,
				from = 0;
	int			n = 0;

	if (keylen == 0)
		return 0;
	for (i = 0; i <= keylen && n < DN_KEY_LABELS_MAX; i++)
	{
		if (i == keylen || key[i] == DN_SEP)
		{
			starts[n] = (uint16_t) from;
			ends[n] = (uint16_t) i;
			n++;
			from = i + 1;
		}
	}
	return n;
}

int
dn_key_label_count(const uint8_t *key, size_t keylen)
{
	size_t		i;
	int			n;

	if (keylen == 0)
		return 0;
	n = 1;
	for (i = 0; i < keylen; i++)
		n += (key[i] == DN_SEP);
	return n;
}

size_t
dn_to_text(const uint8_t *key, size_t keylen, char *out)
{
	uint16_t	starts[DN_KEY_LABELS_MAX],
				ends[DN_KEY_LABELS_MAX];
	int			n = dn_key_labels(key, keylen, starts, ends),
				i;
	char	   *o = out;

	if (n == 0)
	{
		out[0] = '.';
		out[1] = '\0';
		return 1;
	}
	for (i = n - 1; i >= 0; i--)
	{
		o += dn_label_to_text(key + starts[i], ends[i] - starts[i], o);
		if (i > 0)
			*o++ = '.';
	}
	*o = '\0';
	return (size_t) (o - out);
}

size_t
dn_to_reversed_text(const uint8_t *key, size_t keylen, char *out)
{
	uint16_t	starts[DN_KEY_LABELS_MAX],
				ends[DN_KEY_LABELS_MAX];
	int			n = dn_key_labels(key, keylen, starts, ends),
				i;
	char	   *o = out;

	if (n == 0)
	{
		out[0] = '.';
		out[1] = '\0';
		return 1;
	}
	for (i = 0; i < n; i++)
	{
		o += dn_label_to_text(key + starts[i], ends[i] - starts[i], o);
		if (i < n - 1)
			*o++ = '.';
	}
	*o = '\0';
	return (size_t) (o - out);
}

size_t
dn_key_to_forward(const uint8_t *key, size_t keylen, uint8_t *out)
{
	uint16_t	starts[DN_KEY_LABELS_MAX],
				ends[DN_KEY_LABELS_MAX];
	int			n = dn_key_labels(key, keylen, starts, ends),
				i;
	uint8_t    *o = out;

	for (i = n - 1; i >= 0; i--)
	{
		memcpy(o, key + starts[i], ends[i] - starts[i]);
		o += ends[i] - starts[i];
		if (i > 0)
			*o++ = DN_SEP;
	}
	return (size_t) (o - out);
}

size_t
dn_to_wire(const uint8_t *key, size_t keylen, uint8_t *out)
{
	uint16_t	starts[DN_KEY_LABELS_MAX],
				ends[DN_KEY_LABELS_MAX];
	int			n = dn_key_labels(key, keylen, starts, ends),
				i;
	uint8_t    *o = out;

	for (i = n - 1; i >= 0; i--)
	{
		size_t		len = dn_label_decode(key + starts[i], ends[i] - starts[i], o + 1);

		*o = (uint8_t) len;
		o += 1 + len;
	}
	*o++ = 0;
	return (size_t) (o - out);
}

void
dn_error_describe(const dn_error *err, char *buf, size_t bufsize)
{
	switch (err->status)
	{
		case DN_OK:
			snprintf(buf, bufsize, "No error.");
			break;
		case DN_EMPTY_NAME:
			snprintf(buf, bufsize, "The name is empty; the root name is written \".\".");
			break;
		case DN_EMPTY_LABEL:
			snprintf(buf, bufsize, "Empty label at position %d.", err->label);
			break;
		case DN_LABEL_TOO_LONG:
			snprintf(buf, bufsize, "Label %d is %d octets long; the limit is %d.",
					 err->label, err->length, DN_MAX_LABEL);
			break;
		case DN_NAME_TOO_LONG:
			snprintf(buf, bufsize,
					 "The name is longer than %d octets in wire form (label %d reaches %d).",
					 DN_MAX_WIRE, err->label, err->length);
			break;
		case DN_BAD_ESCAPE:
			snprintf(buf, bufsize, "Bad escape at byte %d: %s.", err->offset + 1, err->reason);
			break;
		case DN_BAD_IDN:
			snprintf(buf, bufsize, "Label %d is not a valid internationalized label: %s.",
					 err->label, err->reason);
			break;
		case DN_BAD_WIRE:
			snprintf(buf, bufsize, "Malformed wire-form name at byte %d: %s.",
					 err->offset + 1, err->reason);
			break;
	}
}
