/*
 * dnstap_decode.h
 *		One dnstap data frame (a protobuf "Dnstap" message) to one DNS
 *		message row, through protobuf-c and the schema in dnstap.proto.
 *
 * A *_QUERY frame gives its query_message, timed by query_time; a
 * *_RESPONSE frame its response_message, timed by response_time (a message
 * type newer than this reader is accepted when it carries exactly one of
 * the two).  The client is the query's initiator (query_address and
 * query_port), the server the responder, whatever the direction of the
 * message -- dnstap names them outright, so no QR bit is consulted.
 * socket_protocol becomes the transport: UDP udp, TCP tcp, DOT dot, DOH
 * doh, DNSCryptUDP dnscrypt-udp, DNSCryptTCP dnscrypt-tcp, DOQ doq.
 * Anything else is a reject with a reason.  No libfstrm here: the frames
 * can come from anywhere, a fuzzer included.
 */
#ifndef PDNS_CAPTURE_DNSTAP_DECODE_H
#define PDNS_CAPTURE_DNSTAP_DECODE_H

#include "record.h"

typedef struct dt_decoder dt_decoder;

typedef struct dt_result
{
	cap_message message;		/* on success */
	uint8_t		client[16];		/* storage the message's addresses point to */
	uint8_t		server[16];
	uint8_t		client_version; /* 4 or 6 */
	uint8_t		server_version;
	const char *code;			/* on failure: a short reason identifier */
	char		detail[200];	/* and a sentence */
} dt_result;

extern dt_decoder *dt_decoder_create(void);
extern void dt_decoder_destroy(dt_decoder *d);

/*
 * Decode a frame.  On success the message points into memory the decoder
 * owns until its next call.
 */
extern bool dt_decode(dt_decoder *d, const uint8_t *frame, size_t len, dt_result *out);

#endif							/* PDNS_CAPTURE_DNSTAP_DECODE_H */
