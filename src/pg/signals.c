/*
 * signals.c
 *		Settings of the signals over the store (docs/signals.md); their
 *		SQL is in src/sql/87_signals.sql.
 */
#include "pdns.h"

#include "utils/guc.h"

static int	spike_baseline_periods = 14;

void
signals_define_settings(void)
{
	DefineCustomIntVariable("pdns.spike_baseline_periods",
							"Periods before a period that make its baseline in negative_spikes() "
							"and negative_spike_history.",
							NULL, &spike_baseline_periods, 14, 3, 1000, PGC_USERSET, 0,
							NULL, NULL, NULL);
}
