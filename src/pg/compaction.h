/*
 * compaction.h
 *		Who compacts runs into the store (compaction.c): the extension's
 *		background workers, or the ingesting statement itself.
 */
#ifndef PDNS_COMPACTION_H
#define PDNS_COMPACTION_H

#include "pdns.h"

/*
 * Do background workers compact this database's runs (pdns.compaction,
 * and for "auto" whether pdns was preloaded with workers for it)?  When
 * not, an ingesting statement compacts its own run before it ends.
 */
extern bool compaction_in_background(void);

/* Settings, and the workers when pdns is being preloaded. */
extern void compaction_define_settings(void);

#endif							/* PDNS_COMPACTION_H */
