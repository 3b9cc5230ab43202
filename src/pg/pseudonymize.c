/*
 * pseudonymize.c
 *		Keyed, prefix-preserving pseudonymization of client addresses
 *		(Crypto-PAn, src/core/cryptopan.c): the superuser-only key setting,
 *		the per-backend expanded key, the C entry point the ingestion path
 *		calls per row, and pseudonymize(inet), its fingerprint and key
 *		generator for SQL.  See docs/privacy.md.
 */
#include "pdns.h"

#include "cryptopan.h"
#include "access/parallel.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/varlena.h"

PG_FUNCTION_INFO_V1(inet_pseudonymize);
PG_FUNCTION_INFO_V1(pseudonymization_key_fingerprint);
PG_FUNCTION_INFO_V1(generate_pseudonymization_key);

#define KEY_SETTING "pdns.pseudonymization_key"

/* The setting's text, owned by the GUC machinery. */
static char *key_setting = NULL;

/* The key currently assigned, and its expansion, built on first use. */
static bool key_present = false;
static uint8_t key_raw[CPAN_KEY_LEN];
static cpan_key *key_expanded = NULL;

/*
 * Values stored in pg_db_role_setting (ALTER ROLE/DATABASE ... SET) or
 * pg_proc.proconfig (CREATE FUNCTION ... SET) are readable by every role,
 * and PGC_S_TEST is how those commands validate what they are about to
 * store.  The key may come only from the server configuration, the command
 * line, a superuser's connection options or SET.
 */
static bool
key_source_is_public(GucSource source)
{
	return source == PGC_S_GLOBAL || source == PGC_S_DATABASE
		|| source == PGC_S_USER || source == PGC_S_DATABASE_USER
		|| source == PGC_S_TEST;
}

/* Whether a library list (a preload setting) names pdns. */
static bool
library_list_names_pdns(const char *libraries)
{
	char	   *copy;
	List	   *names;
	ListCell   *lc;
	bool		found = false;

	if (libraries == NULL || libraries[0] == '\0')
		return false;
	copy = pstrdup(libraries);
	if (SplitDirectoriesString(copy, ',', &names))
	{
		foreach(lc, names)
		{
			const char *name = lfirst(lc);
			const char *base = last_dir_separator(name);

			base = base ? base + 1 : name;
			if (strcmp(base, "pdns") == 0 || strcmp(base, "pdns" DLSUFFIX) == 0)
				found = true;
		}
	}
	list_free_deep(names);
	pfree(copy);
	return found;
}

/*
 * A value from the server configuration sits in every backend from its
 * start, as a placeholder without GUC_SUPERUSER_ONLY until pdns is loaded
 * there: any role could SHOW it in a session that has not used pdns yet.
 * So the configuration may hold the key only when it also loads pdns into
 * every backend at start.
 */
static bool
key_source_needs_preload(GucSource source)
{
	return source == PGC_S_FILE || source == PGC_S_ARGV || source == PGC_S_ENV_VAR;
}

static bool
pdns_is_preloaded(void)
{
	return library_list_names_pdns(shared_preload_libraries_string)
		|| library_list_names_pdns(session_preload_libraries_string);
}

/*
 * key_check: empty (no key) or exactly 64 hex digits, from a source no
 * other role can read.  The messages never repeat the value: a mistyped
 * key is still mostly a key, and these messages reach the server log.
 */
static bool
key_check(char **newval, void **extra, GucSource source)
{
	const char *val = *newval ? *newval : "";
	uint8_t		raw[CPAN_KEY_LEN];
	size_t		where = 0;

	if (val[0] == '\0')
		return true;
	if (key_source_is_public(source))
	{
		GUC_check_errmsg("%s cannot be set per role, per database or per function",
						 KEY_SETTING);
		GUC_check_errdetail("Such settings are stored in catalogs that every role can read.");
		GUC_check_errhint("Set it in the server configuration (see docs/privacy.md).");
		return false;
	}
	switch (cpan_key_from_hex(val, strlen(val), raw, &where))
	{
		case CPAN_HEX_OK:
			explicit_bzero(raw, sizeof(raw));
			break;
		case CPAN_HEX_BAD_LENGTH:
			GUC_check_errmsg("invalid value for parameter \"%s\"", KEY_SETTING);
			GUC_check_errdetail("The key must be %d hexadecimal digits; the value has %zu characters.",
								CPAN_KEY_HEX_LEN, strlen(val));
			GUC_check_errhint("generate_pseudonymization_key() makes a valid key.");
			return false;
		case CPAN_HEX_BAD_DIGIT:
			GUC_check_errmsg("invalid value for parameter \"%s\"", KEY_SETTING);
			GUC_check_errdetail("The key must be %d hexadecimal digits; character %zu is not one.",
								CPAN_KEY_HEX_LEN, where + 1);
			GUC_check_errhint("generate_pseudonymization_key() makes a valid key.");
			return false;
	}
	/*
	 * A parallel worker restores the leader's settings in name order, so
	 * session_preload_libraries may not be restored yet; the leader has
	 * already checked this value.
	 */
	if (key_source_needs_preload(source) && !InitializingParallelWorker && !pdns_is_preloaded())
	{
		GUC_check_errmsg("%s can be set in the server configuration only when pdns is preloaded",
						 KEY_SETTING);
		GUC_check_errdetail("Until a session loads pdns, a configured value is a placeholder that every role can read.");
		GUC_check_errhint("Add pdns to session_preload_libraries or shared_preload_libraries, reload, and reconnect.");
		return false;
	}
	return true;
}

/*
 * key_assign: remember the new key; the cipher is rebuilt on next use, and
 * only if the key really changed (the GUC machinery reassigns the same value
 * at every transaction end that restores a setting).
 */
static void
key_assign(const char *newval, void *extra)
{
	uint8_t		raw[CPAN_KEY_LEN];
	size_t		where;
	bool		present = newval != NULL && newval[0] != '\0'
		&& cpan_key_from_hex(newval, strlen(newval), raw, &where) == CPAN_HEX_OK;

	if (present && key_present && memcmp(raw, key_raw, CPAN_KEY_LEN) == 0)
	{
		explicit_bzero(raw, sizeof(raw));
		return;
	}
	cpan_free(key_expanded);
	key_expanded = NULL;
	explicit_bzero(key_raw, sizeof(key_raw));
	key_present = present;
	if (present)
		memcpy(key_raw, raw, CPAN_KEY_LEN);
	explicit_bzero(raw, sizeof(raw));
}

/*
 * key_show: SHOW and current_setting() never print the key, not even to
 * superusers or members of pg_read_all_settings (which GUC_SUPERUSER_ONLY
 * alone would let through); they say whether one is set.
 */
static const char *
key_show(void)
{
	return key_present ? "(set)" : "";
}

void
pseudonymize_define_settings(void)
{
	DefineCustomStringVariable(KEY_SETTING,
							   "Key of the prefix-preserving pseudonymization of client addresses (64 hex digits).",
							   "Only superusers can set it, and nobody can read it back.",
							   &key_setting,
							   "",
							   PGC_SUSET,
							   GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
							   key_check, key_assign, key_show);
}

bool
pdns_pseudonymization_key_is_set(void)
{
	return key_present;
}

/* The expanded key, built on first use after each change. */
static const cpan_key *
key_current(void)
{
	if (!key_present)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no pseudonymization key is set"),
				 errdetail("Client addresses are stored only pseudonymized, and %s is empty.",
						   KEY_SETTING),
				 errhint("A superuser sets it with ALTER SYSTEM SET %s = '<64 hex digits>'; SELECT pg_reload_conf(); (pdns must be in session_preload_libraries; generate_pseudonymization_key() makes a key).",
						 KEY_SETTING)));
	if (key_expanded == NULL)
	{
		key_expanded = cpan_new(key_raw);
		if (key_expanded == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not set up the pseudonymization cipher"),
					 errdetail("OpenSSL failed to initialise AES-128.")));
	}
	return key_expanded;
}

/*
 * pdns_pseudonymize_inet: see pdns.h.  A network (host bits all zero,
 * prefix shorter than the address) has only its prefix bits transformed, so
 * the result is the network that holds the pseudonyms of all its hosts.
 */
void
pdns_pseudonymize_inet(const inet *in, inet *out)
{
	const cpan_key *k = key_current();
	int			family = ip_family(in);
	int			bits = ip_bits(in);
	int			width = family == PGSQL_AF_INET ? 32 : 128;
	int			nbytes = width / 8;
	int			nbits = width;
	uint8_t		addr[16];
	inet_struct *dst;
	int			i;

	memcpy(addr, ip_addr(in), nbytes);
	if (bits < width)
	{
		bool		host_zero = (addr[bits / 8] & (0xFF >> (bits % 8))) == 0;

		for (i = bits / 8 + 1; i < nbytes && host_zero; i++)
			host_zero = addr[i] == 0;
		if (host_zero)
			nbits = bits;
	}
	if (!cpan_pseudonymize(k, width, nbits, addr, addr))
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("could not pseudonymize an address"),
				 errdetail("OpenSSL's AES-128 encryption failed.")));

	SET_VARSIZE(out, VARHDRSZ + offsetof(inet_struct, ipaddr) + nbytes);
	dst = (inet_struct *) VARDATA(out);
	dst->family = family;
	dst->bits = bits;
	memcpy(dst->ipaddr, addr, nbytes);
}

/* pseudonymize(inet): same family and prefix length; see pdns_pseudonymize_inet. */
Datum
inet_pseudonymize(PG_FUNCTION_ARGS)
{
	inet	   *in = PG_GETARG_INET_PP(0);
	inet	   *out = (inet *) palloc(sizeof(inet));

	pdns_pseudonymize_inet(in, out);
	PG_RETURN_INET_P(out);
}

/* pseudonymization_key_fingerprint(): 16 hex digits, or NULL without a key. */
Datum
pseudonymization_key_fingerprint(PG_FUNCTION_ARGS)
{
	char		fp[CPAN_FINGERPRINT_LEN + 1];

	if (!key_present)
		PG_RETURN_NULL();
	if (!cpan_key_fingerprint(key_raw, fp))
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("could not compute the key fingerprint"),
				 errdetail("OpenSSL's SHA-256 failed.")));
	PG_RETURN_TEXT_P(cstring_to_text(fp));
}

/* generate_pseudonymization_key(): 64 random hex digits from OpenSSL. */
Datum
generate_pseudonymization_key(PG_FUNCTION_ARGS)
{
	uint8_t		raw[CPAN_KEY_LEN];
	char		hex[CPAN_KEY_HEX_LEN + 1];
	text	   *result;

	if (!cpan_key_generate(raw))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random values"),
				 errdetail("OpenSSL's RAND_bytes failed.")));
	cpan_key_to_hex(raw, hex);
	result = cstring_to_text(hex);
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(hex, sizeof(hex));
	PG_RETURN_TEXT_P(result);
}
