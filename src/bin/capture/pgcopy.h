/*
 * pgcopy.h
 *		The libpq side of --copy: one connection, transactions holding
 *		COPY ... FROM STDIN in text format.  Every function reports its
 *		failure on stderr and returns false.
 */
#ifndef PDNS_CAPTURE_PGCOPY_H
#define PDNS_CAPTURE_PGCOPY_H

#include <stdbool.h>
#include <stddef.h>

/* Connect; conninfo "" uses the PG* environment. */
extern bool pgc_connect(const char *conninfo);

/*
 * "[schema.]table" quoted as identifiers, each part taken literally; NULL
 * (with a message) when the name is empty or has an empty part.
 */
extern char *pgc_quote_name(const char *name);

extern bool pgc_begin(void);

/* Start COPY target (columns) FROM STDIN; target is already quoted. */
extern bool pgc_copy_start(const char *target, const char *columns);
extern bool pgc_copy_put(const char *data, size_t len);
extern bool pgc_copy_end(void);

extern bool pgc_commit(void);

/* Roll back what is open (if anything) and disconnect. */
extern void pgc_close(void);

#endif							/* PDNS_CAPTURE_PGCOPY_H */
