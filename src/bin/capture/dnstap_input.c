/*
 * dnstap_input.c
 *		Frame Streams files and sockets to dnstap_decode (see dnstap_input.h).
 *
 * Files are read through an fstrm_rdwr of our own over stdio, which counts
 * the bytes libfstrm consumes: libfstrm reads exactly one frame at a time,
 * so when it fails the offset says where the unreadable frame began and its
 * bytes can still be rejected rather than lost.  A file whose content type
 * is not "protobuf:dnstap.Dnstap" has each of its frames rejected with
 * that reason.  Rows whose time the frame cannot give carry the time the
 * frame was read.  Files come through input_stream.c (large blocks, gzip);
 * a pipe or a gzip stream cannot seek, so its torn tail is rejected
 * without its bytes.
 */
#include "dnstap_input.h"

#include "dnstap_decode.h"
#include "input_stream.h"
#include "record.h"
#include "sink.h"
#include "stats.h"

#include <errno.h>
#include <fstrm.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define DNSTAP_CONTENT_TYPE "protobuf:dnstap.Dnstap"
#define MAX_RAW_TAIL (1 << 20)	/* bytes of an unreadable file kept in a reject */

static volatile sig_atomic_t stopping;

/* The rows of one stream: its name, its frames so far, whether it is dnstap. */
typedef struct dt_stream
{
	const char *name;
	uint64_t	frames;
	bool		is_dnstap;
	char		mismatch[400];	/* the reason when it is not */
	dt_decoder *decoder;
} dt_stream;

static int64_t
now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t) tv.tv_sec * 1000000 + tv.tv_usec;
}

static void
stream_reject(dt_stream *s, const char *code, const char *detail,
			  const uint8_t *raw, size_t len)
{
	char		source[4200];

	snprintf(source, sizeof(source), "%s#%llu", s->name, (unsigned long long) s->frames);
	sink_reject(now_us(), source, code, detail, raw, len);
}

/* One data frame. */
static void
stream_frame(dt_stream *s, const uint8_t *data, size_t len)
{
	dt_result	res;

	s->frames++;
	stats.dnstap_frames++;
	if (!s->is_dnstap)
		stream_reject(s, "dnstap-content-type", s->mismatch, data, len);
	else if (dt_decode(s->decoder, data, len, &res))
		sink_message(&res.message);
	else
		stream_reject(s, res.code, res.detail, data, len);
}

/*
 * fstrm_reader_read, minding a libfstrm 0.6 bug: a frame longer than the
 * reader's limit fails with fstrm_res_success and no frame.
 */
static fstrm_res
read_frame(struct fstrm_reader *r, const uint8_t **data, size_t *len)
{
	fstrm_res	res;

	*data = NULL;
	*len = 0;
	res = fstrm_reader_read(r, data, len);
	if (res == fstrm_res_success && *data == NULL)
		return fstrm_res_failure;
	return res;
}

/* Read the START frame's content type and decide whether it is dnstap. */
static void
stream_check_type(dt_stream *s, struct fstrm_reader *r)
{
	const struct fstrm_control *start;
	const uint8_t *ct;
	size_t		ctlen,
				n = 0;

	s->is_dnstap = true;
	if (fstrm_reader_get_control(r, FSTRM_CONTROL_START, &start) != fstrm_res_success ||
		fstrm_control_get_num_field_content_type(start, &n) != fstrm_res_success || n == 0)
		return;					/* no content type: try the frames as dnstap */
	if (fstrm_control_get_field_content_type(start, 0, &ct, &ctlen) != fstrm_res_success)
		return;
	if (ctlen == strlen(DNSTAP_CONTENT_TYPE) && memcmp(ct, DNSTAP_CONTENT_TYPE, ctlen) == 0)
		return;
	s->is_dnstap = false;
	snprintf(s->mismatch, sizeof(s->mismatch),
			 "the Frame Streams content type is \"%.*s\", not \"" DNSTAP_CONTENT_TYPE "\"",
			 (int) (ctlen > 256 ? 256 : ctlen), (const char *) ct);
}

/* A file under an fstrm_rdwr that counts what libfstrm consumed. */
typedef struct dt_file
{
	FILE	   *fp;
	uint64_t	offset;
} dt_file;

/* libfstrm insists on open and close methods; the stream is open already. */
static fstrm_res
rdwr_nothing(void *obj)
{
	return fstrm_res_success;
}

static fstrm_res
file_read(void *obj, void *data, size_t count)
{
	dt_file    *f = obj;
	size_t		got = fread(data, 1, count, f->fp);

	f->offset += got;
	if (got == count)
		return fstrm_res_success;
	if (got == 0 && feof(f->fp))
		return fstrm_res_stop;
	return fstrm_res_failure;
}

/* Reject the bytes of a file from offset on (as many as can be re-read). */
static void
reject_tail(dt_stream *s, dt_file *f, uint64_t offset, const char *code, const char *detail)
{
	uint8_t    *buf = malloc(MAX_RAW_TAIL);
	size_t		n = 0;

	if (buf && fseeko(f->fp, (off_t) offset, SEEK_SET) == 0)
		n = fread(buf, 1, MAX_RAW_TAIL, f->fp);
	stream_reject(s, code, detail, buf ? buf : (const uint8_t *) "", n);
	free(buf);
}

/* Time-based work while a pipe has no frame; false once a stop is asked for. */
static bool
file_idle(void)
{
	if (stopping || sink_failed())
		return false;
	sink_tick();
	return !stopping && !sink_failed();
}

bool
dnstap_read_file(const char *path)
{
	dt_file		f;
	dt_stream	s;
	struct fstrm_rdwr *rdwr;
	struct fstrm_reader *r;
	bool		ok = true;
	char		err[512];

	memset(&s, 0, sizeof(s));
	s.name = path;
	f.offset = 0;
	f.fp = input_open(path, file_idle, err, sizeof(err));
	if (f.fp == NULL)
	{
		fprintf(stderr, "pdns-capture: %s\n", err);
		return false;
	}
	s.decoder = dt_decoder_create();
	rdwr = fstrm_rdwr_init(&f);
	fstrm_rdwr_set_open(rdwr, rdwr_nothing);
	fstrm_rdwr_set_close(rdwr, rdwr_nothing);
	fstrm_rdwr_set_read(rdwr, file_read);
	r = fstrm_reader_init(NULL, &rdwr);
	if (s.decoder == NULL || r == NULL)
	{
		fprintf(stderr, "pdns-capture: out of memory\n");
		exit(1);
	}

	if (fstrm_reader_open(r) != fstrm_res_success)
	{
		fprintf(stderr, "pdns-capture: %s: not a Frame Streams file (no START frame)\n", path);
		s.frames++;
		reject_tail(&s, &f, 0, "dnstap-file", "not a Frame Streams file: it does not begin with a START control frame");
		ok = false;
	}
	else
	{
		stream_check_type(&s, r);
		if (!s.is_dnstap)
			fprintf(stderr, "pdns-capture: %s: %s; its frames are rejected\n", path, s.mismatch);
		while (!stopping && !sink_failed())
		{
			uint64_t	start = f.offset;
			const uint8_t *data;
			size_t		len;
			fstrm_res	res = read_frame(r, &data, &len);

			if (res == fstrm_res_success)
				stream_frame(&s, data, len);
			else
			{
				if (res != fstrm_res_stop && !stopping)
				{
					char		detail[200];

					fprintf(stderr, "pdns-capture: %s: unreadable after frame %llu (byte %llu)\n",
							path, (unsigned long long) s.frames, (unsigned long long) start);
					snprintf(detail, sizeof(detail),
							 "the Frame Streams data is torn or corrupt from byte %llu on",
							 (unsigned long long) start);
					s.frames++;
					reject_tail(&s, &f, start, "dnstap-file", detail);
					ok = false;
				}
				break;
			}
		}
	}
	fstrm_reader_destroy(&r);
	dt_decoder_destroy(s.decoder);
	fclose(f.fp);
	return ok;
}

/* ---- the socket ---- */

static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct dt_conn
{
	struct dt_conn *next;
	int			fd;
	pthread_t	thread;
	volatile bool done;
	char		name[4200];
} dt_conn;

static fstrm_res
sock_read(void *obj, void *data, size_t count)
{
	dt_conn    *c = obj;
	uint8_t    *p = data;

	while (count > 0)
	{
		ssize_t		n = read(c->fd, p, count);

		if (n > 0)
		{
			p += n;
			count -= (size_t) n;
		}
		else if (n == 0)
			return fstrm_res_stop;
		else if (errno != EINTR)
			return fstrm_res_failure;
	}
	return fstrm_res_success;
}

static fstrm_res
sock_write(void *obj, const struct iovec *iov, int iovcnt)
{
	dt_conn    *c = obj;
	int			i;

	for (i = 0; i < iovcnt; i++)
	{
		const uint8_t *p = iov[i].iov_base;
		size_t		left = iov[i].iov_len;

		while (left > 0)
		{
			ssize_t		n = write(c->fd, p, left);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return fstrm_res_failure;
			p += n;
			left -= (size_t) n;
		}
	}
	return fstrm_res_success;
}

/* Send FINISH after the writer's STOP (libfstrm's reader leaves it to us). */
static void
send_finish(dt_conn *c)
{
	struct fstrm_control *ctl = fstrm_control_init();
	uint8_t		buf[64];
	size_t		len = sizeof(buf);
	struct iovec iov;

	if (ctl && fstrm_control_set_type(ctl, FSTRM_CONTROL_FINISH) == fstrm_res_success &&
		fstrm_control_encode(ctl, buf, &len, FSTRM_CONTROL_FLAG_WITH_HEADER) == fstrm_res_success)
	{
		iov.iov_base = buf;
		iov.iov_len = len;
		(void) sock_write(c, &iov, 1);
	}
	fstrm_control_destroy(&ctl);
}

/* One connection: handshake, frames, FINISH. */
static void *
conn_main(void *arg)
{
	dt_conn    *c = arg;
	struct fstrm_reader_options *ropt = fstrm_reader_options_init();
	struct fstrm_rdwr *rdwr = fstrm_rdwr_init(c);
	struct fstrm_reader *r;
	dt_stream	s;

	memset(&s, 0, sizeof(s));
	s.name = c->name;
	s.decoder = dt_decoder_create();
	fstrm_rdwr_set_open(rdwr, rdwr_nothing);
	fstrm_rdwr_set_close(rdwr, rdwr_nothing);
	fstrm_rdwr_set_read(rdwr, sock_read);
	fstrm_rdwr_set_write(rdwr, sock_write);
	fstrm_reader_options_add_content_type(ropt, DNSTAP_CONTENT_TYPE, strlen(DNSTAP_CONTENT_TYPE));
	r = fstrm_reader_init(ropt, &rdwr);
	if (r && s.decoder && fstrm_reader_open(r) == fstrm_res_success)
	{
		const uint8_t *data;
		size_t		len;
		fstrm_res	res;

		s.is_dnstap = true;
		while ((res = read_frame(r, &data, &len)) == fstrm_res_success)
		{
			pthread_mutex_lock(&sink_lock);
			stream_frame(&s, data, len);
			pthread_mutex_unlock(&sink_lock);
		}
		if (res == fstrm_res_stop)
			send_finish(c);
	}
	else
		fprintf(stderr, "pdns-capture: %s: the writer did not open a dnstap stream\n", c->name);
	fstrm_reader_destroy(&r);
	fstrm_reader_options_destroy(&ropt);
	dt_decoder_destroy(s.decoder);
	c->done = true;				/* the accepting thread closes the socket */
	return NULL;
}

bool
dnstap_listen(const char *path)
{
	struct sockaddr_un addr;
	struct stat st;
	int			fd;
	dt_conn    *conns = NULL;
	unsigned	nconn = 0;

	if (strlen(path) >= sizeof(addr.sun_path))
	{
		fprintf(stderr, "pdns-capture: %s: socket path too long\n", path);
		return false;
	}
	/* A socket left behind by an earlier run is replaced; anything else is not. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *) &addr, sizeof(addr)) != 0 || listen(fd, 16) != 0)
	{
		fprintf(stderr, "pdns-capture: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}

	while (!stopping && !sink_failed())
	{
		struct pollfd pfd = {.fd = fd,.events = POLLIN};
		dt_conn   **pp;

		if (poll(&pfd, 1, 200) > 0)
		{
			int			cfd = accept(fd, NULL, NULL);
			dt_conn    *c;

			if (cfd >= 0 && (c = calloc(1, sizeof(dt_conn))) != NULL)
			{
				c->fd = cfd;
				snprintf(c->name, sizeof(c->name), "%s:%u", path, ++nconn);
				if (pthread_create(&c->thread, NULL, conn_main, c) == 0)
				{
					c->next = conns;
					conns = c;
				}
				else
				{
					close(cfd);
					free(c);
				}
			}
			else if (cfd >= 0)
				close(cfd);
		}
		/* reap the connections that ended */
		for (pp = &conns; *pp;)
		{
			dt_conn    *c = *pp;

			if (c->done)
			{
				pthread_join(c->thread, NULL);
				close(c->fd);
				*pp = c->next;
				free(c);
			}
			else
				pp = &c->next;
		}
		pthread_mutex_lock(&sink_lock);
		sink_tick();
		pthread_mutex_unlock(&sink_lock);
	}

	close(fd);
	unlink(path);
	while (conns)
	{
		dt_conn    *c = conns;

		shutdown(c->fd, SHUT_RDWR);
		pthread_join(c->thread, NULL);
		close(c->fd);
		conns = c->next;
		free(c);
	}
	return true;
}

void
dnstap_stop(void)
{
	stopping = 1;
}
