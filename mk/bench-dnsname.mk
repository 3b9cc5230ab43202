# dnsname benchmark (bench/dnsname.sh, issue 2): COPY, CREATE INDEX, sizes,
# exact and subdomain lookups against text, reverse(text) and ltree on the
# same names in the same run.  SCALE=0.1 for a quick run.
.PHONY: bench-dnsname
bench-dnsname:
	@SCALE=$(SCALE) bench/dnsname.sh
