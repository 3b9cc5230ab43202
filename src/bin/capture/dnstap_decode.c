/*
 * dnstap_decode.c
 *		dnstap frames to message rows (see dnstap_decode.h).
 */
#include "dnstap_decode.h"

#include "dnstap.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dt_decoder
{
	Dnstap__Dnstap *last;		/* the frame decoded last, freed on the next call */
};

/* Transport names by socket_protocol value. */
static const char *const transports[] = {
	NULL, "udp", "tcp", "dot", "doh", "dnscrypt-udp", "dnscrypt-tcp", "doq"
};

dt_decoder *
dt_decoder_create(void)
{
	return calloc(1, sizeof(dt_decoder));
}

void
dt_decoder_destroy(dt_decoder *d)
{
	if (d == NULL)
		return;
	if (d->last)
		dnstap__dnstap__free_unpacked(d->last, NULL);
	free(d);
}

/* A reject: a reason code and a fixed sentence. */
static bool
failure(dt_result *out, const char *code, const char *detail)
{
	out->code = code;
	snprintf(out->detail, sizeof(out->detail), "%s", detail);
	return false;
}

/* A reject whose sentence shows one number of the frame. */
static bool
failure_n(dt_result *out, const char *code, const char *fmt, long long value)
{
	out->code = code;
	snprintf(out->detail, sizeof(out->detail), fmt, value);
	return false;
}

/*
 * An address of the frame: 4 bytes for INET, 16 for INET6, the family
 * guessed from the length when the frame does not say.  *dst stays NULL
 * when the frame has no address.
 */
static bool
take_address(const Dnstap__Message *m, bool has, const ProtobufCBinaryData *a,
			 uint8_t *store, const uint8_t **dst, uint8_t *version, dt_result *out,
			 const char *which)
{
	size_t		want;

	*dst = NULL;
	if (!has)
		return true;
	if (m->has_socket_family)
		want = m->socket_family == DNSTAP__SOCKET_FAMILY__INET ? 4 :
			m->socket_family == DNSTAP__SOCKET_FAMILY__INET6 ? 16 : 0;
	else
		want = a->len == 4 || a->len == 16 ? a->len : 0;
	if (want == 0 || a->len != want)
	{
		out->code = "dnstap-address";
		snprintf(out->detail, sizeof(out->detail),
				 "the %s has %zu bytes, which is no address of socket_family %d",
				 which, a->len, m->has_socket_family ? (int) m->socket_family : 0);
		return false;
	}
	memset(store, 0, 16);
	memcpy(store, a->data, want);
	*dst = store;
	*version = want == 4 ? 4 : 6;
	return true;
}

bool
dt_decode(dt_decoder *d, const uint8_t *frame, size_t len, dt_result *out)
{
	Dnstap__Dnstap *dt;
	Dnstap__Message *m;
	bool		query,
				has_time;
	uint64_t	sec;
	uint32_t	nsec;
	cap_message *row = &out->message;

	if (d->last)
	{
		dnstap__dnstap__free_unpacked(d->last, NULL);
		d->last = NULL;
	}
	memset(row, 0, sizeof(*row));
	out->code = NULL;
	out->detail[0] = '\0';

	dt = dnstap__dnstap__unpack(NULL, len, frame);
	if (dt == NULL)
		return failure_n(out, "dnstap-protobuf",
						 "the %lld-byte frame is not a valid dnstap protobuf message", (long long) len);
	d->last = dt;
	if (!dt->has_type || dt->type != DNSTAP__DNSTAP__TYPE__MESSAGE)
		return failure_n(out, "dnstap-frame", "the frame's type is %lld, not MESSAGE (1)",
						 dt->has_type ? (long long) dt->type : 0);
	m = dt->message;
	if (m == NULL)
		return failure(out, "dnstap-frame", "a MESSAGE frame without its message");

	/* Query or response: by type, or by the one message present. */
	if (m->has_type && m->type >= 1 && m->type <= 14)
		query = (m->type & 1) == 1;
	else if (m->has_query_message != m->has_response_message)
		query = m->has_query_message;
	else
		return failure_n(out, "dnstap-frame",
						 "message type %lld is unknown and the frame does not carry exactly one DNS message",
						 m->has_type ? (long long) m->type : 0);
	if (query ? !m->has_query_message : !m->has_response_message)
		return failure_n(out, "dnstap-frame", query ?
						 "a query frame (type %lld) without query_message" :
						 "a response frame (type %lld) without response_message",
						 (long long) m->type);

	if (!m->has_socket_protocol)
		return failure(out, "dnstap-socket-protocol", "the frame has no socket_protocol");
	if (m->socket_protocol < 1 || m->socket_protocol > 7)
		return failure_n(out, "dnstap-socket-protocol",
						 "socket_protocol %lld is not one of UDP, TCP, DOT, DOH, DNSCryptUDP, DNSCryptTCP, DOQ (1-7)",
						 (long long) m->socket_protocol);
	row->transport = transports[m->socket_protocol];

	sec = query ? m->query_time_sec : m->response_time_sec;
	nsec = query ? m->query_time_nsec : m->response_time_nsec;
	has_time = query ? m->has_query_time_sec : m->has_response_time_sec;
	if (!has_time)
		return failure(out, "dnstap-frame", query ? "a query frame without query_time_sec" :
					   "a response frame without response_time_sec");
	if (sec > (uint64_t) INT64_MAX / 1000000 - 1 || nsec >= 1000000000u)
		return failure_n(out, "dnstap-frame", "the frame's time is out of range (%lld seconds)", (long long) sec);
	row->ts_us = (int64_t) sec * 1000000 + nsec / 1000;

	if (!take_address(m, m->has_query_address, &m->query_address, out->client,
					  &row->client, &out->client_version, out, "query_address") ||
		!take_address(m, m->has_response_address, &m->response_address, out->server,
					  &row->server, &out->server_version, out, "response_address"))
		return false;
	if (row->client && row->server && out->client_version != out->server_version)
		return failure(out, "dnstap-address", "query_address and response_address are of different families");
	if ((m->has_query_port && m->query_port > 65535) ||
		(m->has_response_port && m->response_port > 65535))
		return failure_n(out, "dnstap-frame", "a port is above 65535 (%lld)",
						 (long long) (m->query_port > 65535 ? m->query_port : m->response_port));
	row->ip_version = row->client ? out->client_version : out->server_version;
	row->client_port = m->has_query_port ? (int32_t) m->query_port : -1;
	row->server_port = m->has_response_port ? (int32_t) m->response_port : -1;

	row->msg = query ? m->query_message.data : m->response_message.data;
	row->len = query ? m->query_message.len : m->response_message.len;
	if (row->len < 12)
		return failure_n(out, "dns-short",
						 "the DNS message is %lld bytes, shorter than a DNS header (12 bytes)",
						 (long long) row->len);
	return true;
}
