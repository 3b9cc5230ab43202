/*
 * ldns_leaks.h
 *		Shared by the fuzz harnesses that drive ldns.
 */
#ifndef PDNS_FUZZ_LDNS_LEAKS_H
#define PDNS_FUZZ_LDNS_LEAKS_H

/*
 * ldns 1.8.3 leaks on some error paths of its text parsers (e.g.
 * ldns_str2rdf_cert_alg keeps a rejected algorithm's rdf, ldns_str2rdf_ipseckey
 * frees its gateway without its data): leaks allocated inside libldns are
 * not ours to fix here.  The unit tests run without this suppression and
 * check that pdns frees every ldns object it is handed.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libldns.so\n";
}

#endif							/* PDNS_FUZZ_LDNS_LEAKS_H */
