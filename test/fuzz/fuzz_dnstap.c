/*
 * fuzz_dnstap.c
 *		libFuzzer harness for the dnstap decoder (protobuf-c code generated
 *		from src/bin/capture/dnstap.proto, and dnstap_decode.c), and for
 *		libfstrm reading a Frame Streams file from memory the way
 *		pdns-capture does.
 *
 * Every input is tried as one dnstap frame, and as a Frame Streams file
 * whose frames are then decoded.  Properties checked: nothing crashes or
 * leaks (ASan/UBSan); a decoded row has a transport pdns knows, ports in
 * range, a message of at least 12 bytes inside the frame's memory; a
 * refused frame has a reason.
 */
#include "dnstap_decode.h"

#include <fstrm.h>
#include <stdlib.h>
#include <string.h>

typedef struct membuf
{
	const uint8_t *data;
	size_t		len;
	size_t		pos;
} membuf;

static fstrm_res
mem_nothing(void *obj)
{
	return fstrm_res_success;
}

static fstrm_res
mem_read(void *obj, void *out, size_t count)
{
	membuf	   *m = obj;

	if (m->pos == m->len)
		return fstrm_res_stop;
	if (m->len - m->pos < count)
		return fstrm_res_failure;
	memcpy(out, m->data + m->pos, count);
	m->pos += count;
	return fstrm_res_success;
}

static void
check(dt_decoder *dec, const uint8_t *frame, size_t len)
{
	static const char *const known[] = {"udp", "tcp", "dot", "doh", "dnscrypt-udp", "dnscrypt-tcp", "doq"};
	dt_result	r;
	size_t		i;

	if (!dt_decode(dec, frame, len, &r))
	{
		if (r.code == NULL || r.detail[0] == '\0')
			abort();
		return;
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(r.message.transport, known[i]) == 0)
			break;
	if (i == sizeof(known) / sizeof(known[0]))
		abort();
	if (r.message.len < 12 || r.message.msg == NULL || r.message.len > len)
		abort();
	if (r.message.client_port > 65535 || r.message.server_port > 65535)
		abort();
	if ((r.message.client || r.message.server) &&
		r.message.ip_version != 4 && r.message.ip_version != 6)
		abort();
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dt_decoder *dec = dt_decoder_create();
	membuf		m = {data, size, 0};
	struct fstrm_rdwr *rdwr;
	struct fstrm_reader *r;
	const uint8_t *frame;
	size_t		len;
	int			frames = 0;

	check(dec, data, size);

	rdwr = fstrm_rdwr_init(&m);
	fstrm_rdwr_set_open(rdwr, mem_nothing);
	fstrm_rdwr_set_close(rdwr, mem_nothing);
	fstrm_rdwr_set_read(rdwr, mem_read);
	r = fstrm_reader_init(NULL, &rdwr);
	/* libfstrm 0.6 reports an oversized frame as a success without a frame */
	while (r && frames++ < 1000)
	{
		frame = NULL;
		if (fstrm_reader_read(r, &frame, &len) != fstrm_res_success || frame == NULL)
			break;
		check(dec, frame, len);
	}
	fstrm_reader_destroy(&r);
	dt_decoder_destroy(dec);
	return 0;
}
