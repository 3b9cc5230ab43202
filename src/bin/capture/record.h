/*
 * record.h
 *		What pdns-capture produces: DNS messages for pdns.wire_in and the
 *		bytes it could not frame for pdns.wire_rejects_in.  The inputs
 *		(pcap_input.c, dnstap_input.c) fill these, the sink writes them.
 */
#ifndef PDNS_CAPTURE_RECORD_H
#define PDNS_CAPTURE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One DNS message: a row of pdns.wire_in. */
typedef struct cap_message
{
	int64_t		ts_us;			/* microseconds since 1970, UTC */
	uint8_t		ip_version;		/* 4 or 6 */
	const uint8_t *client;		/* 16 bytes (IPv4 in the first 4); NULL: unknown */
	const uint8_t *server;
	int32_t		client_port;	/* -1: unknown */
	int32_t		server_port;
	const char *transport;		/* udp, tcp, dot, doh, doq, dnscrypt-udp, dnscrypt-tcp */
	const uint8_t *msg;			/* the DNS message, no length prefix */
	size_t		len;
} cap_message;

/* Bytes that could not be framed: a row of pdns.wire_rejects_in. */
typedef struct cap_reject
{
	int64_t		ts_us;			/* INT64_MIN: unknown */
	const char *source;			/* "FILE#PACKET" or "FILE#frame N" */
	const char *code;			/* short reason identifier */
	const char *detail;			/* a sentence */
	const uint8_t *raw;
	size_t		len;
} cap_reject;

#define CAP_TS_UNKNOWN INT64_MIN

#endif							/* PDNS_CAPTURE_RECORD_H */
