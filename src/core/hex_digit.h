/*
 * hex_digit.h
 *		The value of one hexadecimal digit, for the parsers of the pure C
 *		core (escapes, hex rdata, keys).
 */
#ifndef PDNS_HEX_DIGIT_H
#define PDNS_HEX_DIGIT_H

/* 0-15 for 0-9, a-f, A-F; -1 for any other character. */
static inline int
hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif							/* PDNS_HEX_DIGIT_H */
