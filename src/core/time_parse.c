/*
 * time_parse.c
 *		Epoch and ISO 8601 time parsing without locale or time zone lookups.
 */
#include "time_parse.h"

#define USEC_PER_SEC INT64_C(1000000)

static bool
fail(const char **reason, const char *why)
{
	*reason = why;
	return false;
}

/* Read exactly n digits at s[*i]. */
static bool
digits(const char *s, size_t len, size_t *i, int n, int *out)
{
	int			v = 0,
				k;

	for (k = 0; k < n; k++)
	{
		if (*i >= len || s[*i] < '0' || s[*i] > '9')
			return false;
		v = v * 10 + (s[(*i)++] - '0');
	}
	*out = v;
	return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's method). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int			era;
	unsigned	yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned) (y - era * 400);
	doy = (unsigned) ((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t) era * 146097 + (int64_t) doe - 719468;
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Fractional seconds after the point: up to 6 digits count, more are dropped. */
static bool
fraction(const char *s, size_t len, size_t *i, int64_t *usec)
{
	int64_t		v = 0;
	int			n = 0;

	if (*i >= len || s[*i] < '0' || s[*i] > '9')
		return false;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9')
	{
		if (n < 6)
		{
			v = v * 10 + (s[*i] - '0');
			n++;
		}
		(*i)++;
	}
	for (; n < 6; n++)
		v *= 10;
	*usec = v;
	return true;
}

static bool
parse_epoch(const char *s, size_t len, int64_t *usec, const char **reason)
{
	size_t		i = 0;
	int64_t		secs = 0,
				frac = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9')
	{
		if (secs > INT64_C(253402300799))	/* 9999-12-31 */
			return fail(reason, "epoch seconds out of range");
		secs = secs * 10 + (s[i++] - '0');
	}
	if (i == 0)
		return fail(reason, "not a time");
	if (i < len && s[i] == '.')
	{
		i++;
		if (i < len && !fraction(s, len, &i, &frac))
			return fail(reason, "bad fraction of a second");
	}
	if (i != len)
		return fail(reason, "not a time");
	if (secs > INT64_C(253402300799))
		return fail(reason, "epoch seconds out of range");
	*usec = secs * USEC_PER_SEC + frac;
	return true;
}

static bool
parse_iso(const char *s, size_t len, int64_t *usec, const char **reason)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t		i = 0;
	int			y,
				mo,
				d,
				h,
				mi,
				se,
				offset = 0;
	int64_t		frac = 0;

	if (!digits(s, len, &i, 4, &y) || i >= len || s[i++] != '-' ||
		!digits(s, len, &i, 2, &mo) || i >= len || s[i++] != '-' ||
		!digits(s, len, &i, 2, &d))
		return fail(reason, "not a time");
	if (i >= len || (s[i] != 'T' && s[i] != 't' && s[i] != ' '))
		return fail(reason, "a date without a time of day");
	i++;
	if (!digits(s, len, &i, 2, &h) || i >= len || s[i++] != ':' ||
		!digits(s, len, &i, 2, &mi) || i >= len || s[i++] != ':' ||
		!digits(s, len, &i, 2, &se))
		return fail(reason, "bad time of day");
	if (i < len && (s[i] == '.' || s[i] == ','))
	{
		i++;
		if (!fraction(s, len, &i, &frac))
			return fail(reason, "bad fraction of a second");
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z'))
		i++;
	else if (i < len && (s[i] == '+' || s[i] == '-'))
	{
		int			sign = s[i++] == '-' ? -1 : 1,
					oh,
					om = 0;

		if (!digits(s, len, &i, 2, &oh))
			return fail(reason, "bad UTC offset");
		if (i < len && s[i] == ':')
			i++;
		if (i < len && !digits(s, len, &i, 2, &om))
			return fail(reason, "bad UTC offset");
		if (oh > 23 || om > 59)
			return fail(reason, "bad UTC offset");
		offset = sign * (oh * 60 + om);
	}
	if (i != len)
		return fail(reason, "unexpected text after the time");
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
		d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 || se > 60)
		return fail(reason, "date or time out of range");
	if (se == 60)
		se = 59;				/* a leap second is stored as :59 */
	*usec = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se)
			 - (int64_t) offset * 60) * USEC_PER_SEC + frac;
	if (*usec < 0)
		return fail(reason, "date or time out of range");
	return true;
}

bool
parse_time_usec(const char *s, size_t len, int64_t *usec, const char **reason)
{
	size_t		i;

	while (len > 0 && (s[0] == ' ' || s[0] == '\t'))
	{
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return fail(reason, "the time is empty");
	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == len || s[i] == '.')
		return parse_epoch(s, len, usec, reason);
	return parse_iso(s, len, usec, reason);
}

/* y-m-d of a day number (Howard Hinnant's civil_from_days). */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t		era,
				yoe,
				doy,
				mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = (z - era * 146097) - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int) (doy - (153 * mp + 2) / 5 + 1);
	*m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*y = (int) (yoe + era * 400 + (*m <= 2));
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && ((a < 0) != (b < 0)));
}

int64_t
period_start_usec(int64_t usec, period_kind kind)
{
	const int64_t hour = 3600 * USEC_PER_SEC,
				day = 24 * hour;
	int64_t		days;
	int			y,
				m,
				d;

	switch (kind)
	{
		case PERIOD_HOUR:
			return floor_div(usec, hour) * hour;
		case PERIOD_DAY:
			return floor_div(usec, day) * day;
		case PERIOD_WEEK:
			/* 1970-01-01 was a Thursday: Monday-based weeks start 3 days earlier */
			days = floor_div(usec, day);
			return (floor_div(days + 3, 7) * 7 - 3) * day;
		case PERIOD_MONTH:
			civil_from_days(floor_div(usec, day), &y, &m, &d);
			return days_from_civil(y, m, 1) * day;
	}
	return usec;
}
