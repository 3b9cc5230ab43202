/*
 * input_stream.c
 *		Capture and dnstap files as stdio streams (see input_stream.h).
 *
 * Every input is a stdio stream of our own (fopencookie) with a large
 * buffer: stdio calls its read function only when the buffer is empty, and
 * that reads the descriptor in large blocks, inflating when the content
 * is gzip.  Only a pipe with nothing to give waits, in poll(), running the
 * idle work every 200 ms.  (A pipe used to be read unbuffered so that a
 * poll() before each packet could tell whether one was waiting: two read()s
 * and a poll() per packet, twenty times slower than a file.)
 *
 * A gzip file may hold several members one after another (as `cat a.gz
 * b.gz` makes): they are read as one stream, as gzip -d does.  A plain
 * regular file can seek (the dnstap reader re-reads a torn tail to reject
 * it); a pipe or a gzip stream cannot.
 */
#define _GNU_SOURCE				/* fopencookie */

#include "input_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#define STDIO_BUFFER (256 * 1024)	/* a pipe gives at most 64 KiB a read */
#define GZIP_BUFFER (64 * 1024)
#define IDLE_MS 200

typedef struct input
{
	int			fd;
	char	   *name;			/* for messages */
	bool		is_pipe;		/* wait in poll(), running idle work */
	input_idle_fn idle;
	bool		stopped;		/* idle work said stop: the end */
	uint8_t		peek[2];		/* read from a pipe to tell gzip; given back */
	size_t		npeek;
	size_t		peek_used;
	bool		gzip;
	z_stream	z;
	uint8_t    *zin;			/* compressed bytes */
	bool		zin_eof;
	bool		member_done;	/* the last gzip member ended: EOF may come */
	bool		failed;			/* the reason was printed */
	char	   *stdio_buffer;
} input;

/* read(2) of the descriptor; a pipe waits in poll() with idle work. */
static ssize_t
fd_read(input *in, void *buf, size_t size)
{
	for (;;)
	{
		ssize_t		n;

		if (in->stopped)
			return 0;
		if (in->is_pipe)
		{
			struct pollfd pfd = {.fd = in->fd,.events = POLLIN};
			int			r = poll(&pfd, 1, IDLE_MS);

			if (r == 0 || (r < 0 && errno == EINTR))
			{
				if (in->idle != NULL && !in->idle())
					in->stopped = true;
				continue;
			}
		}
		n = read(in->fd, buf, size);
		if (n >= 0 || errno != EINTR)
			return n;
	}
}

/* The peeked bytes first, then the descriptor. */
static ssize_t
raw_read(input *in, void *buf, size_t size)
{
	if (in->peek_used < in->npeek)
	{
		size_t		n = in->npeek - in->peek_used;

		if (n > size)
			n = size;
		memcpy(buf, in->peek + in->peek_used, n);
		in->peek_used += n;
		return (ssize_t) n;
	}
	return fd_read(in, buf, size);
}

static ssize_t
gzip_fail(input *in, const char *reason)
{
	if (!in->failed)
		fprintf(stderr, "pdns-capture: %s: gzip: %s\n", in->name, reason);
	in->failed = true;
	errno = EIO;
	return -1;
}

/*
 * Inflate into buf: at least one byte unless at the end, without waiting
 * for more input once some output is made (a pipe's packet goes on now).
 */
static ssize_t
gzip_read(input *in, char *buf, size_t size)
{
	in->z.next_out = (Bytef *) buf;
	in->z.avail_out = (uInt) (size > (1u << 30) ? (1u << 30) : size);
	for (;;)
	{
		size_t		made = (size_t) ((char *) in->z.next_out - buf);
		int			rc;

		if (in->failed)
			return gzip_fail(in, "");
		if (in->z.avail_out == 0)
			return (ssize_t) made;
		if (in->z.avail_in == 0)
		{
			ssize_t		n;

			if (made > 0 || in->zin_eof)
			{
				if (made > 0 || in->member_done || in->stopped)
					return (ssize_t) made;
				return gzip_fail(in, "the compressed data ends early");
			}
			n = raw_read(in, in->zin, GZIP_BUFFER);
			if (n < 0)
				return -1;
			in->zin_eof = n == 0;
			in->z.next_in = in->zin;
			in->z.avail_in = (uInt) n;
			continue;
		}
		if (in->member_done)
		{
			/* another member follows */
			inflateReset(&in->z);
			in->member_done = false;
		}
		rc = inflate(&in->z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END)
			in->member_done = true;
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			return gzip_fail(in, in->z.msg ? in->z.msg : "corrupt data");
	}
}

static ssize_t
cookie_read(void *cookie, char *buf, size_t size)
{
	input	   *in = cookie;

	return in->gzip ? gzip_read(in, buf, size) : raw_read(in, buf, size);
}

static int
cookie_seek(void *cookie, off64_t *offset, int whence)
{
	input	   *in = cookie;
	off_t		r;

	if (in->gzip || in->is_pipe)
	{
		errno = ESPIPE;
		return -1;
	}
	r = lseek(in->fd, (off_t) *offset, whence);
	if (r < 0)
		return -1;
	*offset = r;
	return 0;
}

static int
cookie_close(void *cookie)
{
	input	   *in = cookie;
	int			rc = close(in->fd);

	if (in->gzip)
		inflateEnd(&in->z);
	free(in->zin);
	free(in->name);
	free(in->stdio_buffer);
	free(in);
	return rc;
}

FILE *
input_open(const char *path, input_idle_fn idle, char *err, size_t errlen)
{
	static const cookie_io_functions_t io = {
		.read = cookie_read,.seek = cookie_seek,.close = cookie_close
	};
	bool		is_stdin = strcmp(path, "-") == 0;
	struct stat st;
	input	   *in;
	FILE	   *fp;

	in = calloc(1, sizeof(*in));
	if (in != NULL)
		in->fd = -1;
	if (in == NULL || (in->name = strdup(path)) == NULL ||
		(in->stdio_buffer = malloc(STDIO_BUFFER)) == NULL)
	{
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	in->fd = is_stdin ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0 || fstat(in->fd, &st) != 0)
	{
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	in->is_pipe = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode);
	in->idle = idle;

	/* The first two bytes tell gzip; a pipe gets them back from peek[]. */
	while (in->npeek < 2)
	{
		ssize_t		n = fd_read(in, in->peek + in->npeek, 2 - in->npeek);

		if (n < 0)
		{
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		in->npeek += (size_t) n;
	}
	in->gzip = in->npeek == 2 && in->peek[0] == 0x1f && in->peek[1] == 0x8b;
	if (!in->is_pipe && lseek(in->fd, -(off_t) in->npeek, SEEK_CUR) >= 0)
		in->npeek = 0;			/* read again from the file */
	if (in->gzip)
	{
		if ((in->zin = malloc(GZIP_BUFFER)) == NULL ||
			inflateInit2(&in->z, 15 + 16) != Z_OK)	/* 16: gzip format only */
		{
			snprintf(err, errlen, "%s: out of memory", path);
			in->gzip = false;
			goto fail;
		}
	}
	fp = fopencookie(in, "rb", io);
	if (fp == NULL)
	{
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (in->gzip)
			inflateEnd(&in->z);
		goto fail;
	}
	setvbuf(fp, in->stdio_buffer, _IOFBF, STDIO_BUFFER);
	return fp;

fail:
	if (in != NULL)
	{
		if (in->fd >= 0)
			close(in->fd);
		free(in->zin);
		free(in->name);
		free(in->stdio_buffer);
		free(in);
	}
	return NULL;
}
