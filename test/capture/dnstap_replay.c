/*
 * dnstap_replay.c
 *		Test helper: send the frames of dnstap files to a Frame Streams unix
 *		socket the way a DNS server's dnstap writer does (READY/ACCEPT/START
 *		handshake, data frames, STOP and wait for FINISH), using libfstrm's
 *		own writer.  Used by test/capture/run.sh for --dnstap-socket.
 *
 *	dnstap_replay SOCKET FILE...
 */
#include <fstrm.h>
#include <stdio.h>
#include <string.h>

#define CONTENT_TYPE "protobuf:dnstap.Dnstap"

int
main(int argc, char **argv)
{
	struct fstrm_unix_writer_options *uopt = fstrm_unix_writer_options_init();
	struct fstrm_writer_options *wopt = fstrm_writer_options_init();
	struct fstrm_writer *w;
	int			i,
				sent = 0;

	if (argc < 3)
	{
		fprintf(stderr, "usage: dnstap_replay SOCKET FILE...\n");
		return 2;
	}
	fstrm_unix_writer_options_set_socket_path(uopt, argv[1]);
	fstrm_writer_options_add_content_type(wopt, CONTENT_TYPE, strlen(CONTENT_TYPE));
	w = fstrm_unix_writer_init(uopt, wopt);
	if (w == NULL || fstrm_writer_open(w) != fstrm_res_success)
	{
		fprintf(stderr, "dnstap_replay: cannot connect to %s\n", argv[1]);
		return 1;
	}
	for (i = 2; i < argc; i++)
	{
		struct fstrm_file_options *fopt = fstrm_file_options_init();
		struct fstrm_reader *r;
		const uint8_t *data;
		size_t		len;

		fstrm_file_options_set_file_path(fopt, argv[i]);
		r = fstrm_file_reader_init(fopt, NULL);
		while (r && fstrm_reader_read(r, &data, &len) == fstrm_res_success && data)
		{
			if (fstrm_writer_write(w, data, len) != fstrm_res_success)
			{
				fprintf(stderr, "dnstap_replay: write failed\n");
				return 1;
			}
			sent++;
			data = NULL;
		}
		fstrm_reader_destroy(&r);
		fstrm_file_options_destroy(&fopt);
	}
	if (fstrm_writer_close(w) != fstrm_res_success)
	{
		fprintf(stderr, "dnstap_replay: close failed\n");
		return 1;
	}
	fstrm_writer_destroy(&w);
	fstrm_writer_options_destroy(&wopt);
	fstrm_unix_writer_options_destroy(&uopt);
	printf("%d\n", sent);
	return 0;
}
