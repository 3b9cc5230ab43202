/*
 * explorer.js: the pdns explorer, a page for analysts served by pdns-api.
 *
 * Plain JavaScript (ES2020), no library, nothing fetched from elsewhere.
 * The server's Content-Security-Policy forbids inline scripts, inline
 * handlers and style attributes, so everything here is wired with
 * addEventListener, styled by classes in explorer.css (or the CSSOM), and
 * every piece of data reaches the page through textContent or SVG
 * attributes, never through innerHTML.
 *
 * What it asks of the API (same origin, header X-API-Key):
 *   /dnsdb/v2/lookup/rrset/name/{name}[/{rrtype}]      names, *.domain, www.example.*
 *   /dnsdb/v2/lookup/rdata/name/{name}[/{rrtype}]      names in answers
 *   /dnsdb/v2/lookup/rdata/ip/{address[,prefix]}       addresses, networks
 *   /dnsdb/v2/lookup/rdata/raw/{hex}[/{rrtype}]        raw rdata
 *   /pdns/v1/volume/{name|domain}/{name}               the volume chart
 *   /pdns/v1/enrich/{address}?first=&last=             ASN and country while seen
 * Lookups answer in the Streaming API Framing (NDJSON: begin, obj..., then
 * succeeded, limited or failed); errors are {"error": "...", "status": N}.
 */
'use strict';

(() => {
	/* ------------------------------------------------------------------ */
	/* Constants and state */

	const KEY_STORAGE = 'pdns-explorer-api-key';
	const DEFAULT_LIMIT = '1000';
	const ENRICH_MAX = 50;			/* enrichment requests per search at most */
	const ENRICH_PARALLEL = 2;		/* ... and at once (keys have few concurrent slots) */
	const ENRICH_CACHE = new Map();	/* "address first last" -> summary, across searches */
	const SVG_NS = 'http://www.w3.org/2000/svg';
	const DAY = 86400;

	/* Colours of the record types (timeline bars and legend). */
	const TYPE_COLOURS = {
		A: '#2f6fb5', AAAA: '#14a3b8', NS: '#3c9a3c', MX: '#e8871e', CNAME: '#8a5cc2',
		TXT: '#9c6b4e', SOA: '#7a7a7a', PTR: '#d45a9e', SRV: '#a8a81c', DS: '#c8403a',
		DNSKEY: '#b0524e', CAA: '#5b7f2b', HTTPS: '#2b8a78', SVCB: '#3f6f8f', NAPTR: '#6d5a9c',
		DNAME: '#a05fb0', TLSA: '#8f6d2b', SSHFP: '#5c5c8f', RRSIG: '#b98b8b', NSEC: '#8bb9a0',
		NSEC3: '#8ba0b9',
	};

	const S = {
		key: null,			/* the API key (sessionStorage) */
		search: null,		/* {q, type, mode, after, before, limit} of the shown search */
		lookup: null,		/* what the search asked: see classify() */
		results: [],		/* [{obj, index, addrs}] in the order received */
		order: [],			/* the same, in the table's order */
		sort: { key: null, dir: 1 },
		controller: null,	/* aborts the current search and what it started */
		enrich: new Map(),	/* address -> {asns, countries} | 'pending' | 'none' */
		volume: null,		/* {target, periods} drawn in the volume chart */
		volumeSeq: 0,		/* which volume request is the latest */
		pendingAuth: false,	/* the last search was refused its key: re-run on a new one */
	};

	/* ------------------------------------------------------------------ */
	/* DOM helpers */

	const $ = (sel) => document.querySelector(sel);

	/* An HTML element with attributes and children (strings become text). */
	function el(tag, attrs, ...children) {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(attrs || {}))
			if (v !== undefined && v !== null)
				e.setAttribute(k, String(v));
		for (const c of children)
			if (c !== undefined && c !== null)
				e.append(c instanceof Node ? c : document.createTextNode(String(c)));
		return e;
	}

	/* An SVG element with presentation attributes. */
	function svg(tag, attrs, text) {
		const e = document.createElementNS(SVG_NS, tag);
		for (const [k, v] of Object.entries(attrs || {}))
			if (v !== undefined && v !== null)
				e.setAttribute(k, String(v));
		if (text !== undefined)
			e.textContent = String(text);
		return e;
	}

	/* An SVG <title> child: the tooltip shown on hover. */
	function svgTitle(parent, text) {
		parent.append(svg('title', {}, text));
		return parent;
	}

	function show(e, visible) {
		e.hidden = !visible;
	}

	/* ------------------------------------------------------------------ */
	/* Time */

	const pad2 = (n) => String(n).padStart(2, '0');

	/* Epoch seconds as UTC "YYYY-MM-DD HH:MM:SS". */
	function fmtTime(t) {
		if (!Number.isFinite(t))
			return '';
		const d = new Date(t * 1000);
		return `${fmtDate(t)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
	}

	/* Epoch seconds as UTC "YYYY-MM-DD". */
	function fmtDate(t) {
		const d = new Date(t * 1000);
		return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
	}

	/* "YYYY-MM-DD" (a date input's value) as epoch seconds of 00:00 UTC, or null. */
	function dateToEpoch(s) {
		const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
		return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / 1000 : null;
	}

	const validDate = (s) => (dateToEpoch(s) === null ? '' : s);

	/*
	 * Tick marks for a time axis from t0 to t1 (epoch seconds): about
	 * maxTicks of them, on whole hours, days or months (UTC).
	 */
	function timeTicks(t0, t1, maxTicks) {
		const span = Math.max(1, t1 - t0);
		const steps = [3600, 3 * 3600, 6 * 3600, 12 * 3600, DAY, 2 * DAY, 7 * DAY, 14 * DAY];
		const ticks = [];
		const step = steps.find((s) => span / s <= maxTicks);

		if (step) {
			for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step)
				ticks.push({ t, label: step < DAY ? fmtTime(t).slice(5, 16) : fmtDate(t) });
			return ticks;
		}
		/* months: 1, 3, 6, 12 or more at a time, from the first of a month */
		const months = [1, 3, 6, 12, 24, 60, 120].find((m) => span / (m * 30 * DAY) <= maxTicks) || 240;
		const d0 = new Date(t0 * 1000);
		let y = d0.getUTCFullYear(),
			m = Math.ceil((d0.getUTCMonth() + (d0.getUTCDate() > 1 ? 1 : 0)) / months) * months;
		for (;;) {
			const t = Date.UTC(y, m, 1) / 1000;
			if (t > t1)
				break;
			if (t >= t0)
				ticks.push({ t, label: fmtDate(t).slice(0, months >= 12 ? 4 : 7) });
			m += months;
		}
		return ticks;
	}

	/* ------------------------------------------------------------------ */
	/* Addresses */

	function isIPv4(s) {
		const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
		return !!m && m.slice(1).every((o) => +o <= 255 && (o === '0' || o[0] !== '0'));
	}

	/* The URL parser knows IPv6 literals: let it judge. */
	function isIPv6(s) {
		if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(':'))
			return false;
		try {
			new URL(`http://[${s}]/`);
			return true;
		} catch (e) {
			return false;
		}
	}

	const isAddress = (s) => isIPv4(s) || isIPv6(s);

	/* The eight 16-bit groups of an IPv6 address (valid per isIPv6()). */
	function ipv6Groups(s) {
		let tail = [];
		const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
		if (v4) {
			const o = v4[1].split('.').map(Number);
			tail = [((o[0] << 8) | o[1]).toString(16), ((o[2] << 8) | o[3]).toString(16)];
			s = s.slice(0, -v4[1].length) + 'x';
		}
		const [head, rest] = s.split('::');
		const part = (p) => (p ? p.split(':').filter((g) => g !== 'x') : []);
		const h = part(head),
			r = part(rest);
		const groups = rest === undefined ? [...h, ...tail]
			: [...h, ...Array(8 - h.length - r.length - tail.length).fill('0'), ...r, ...tail];
		return groups.map((g) => parseInt(g, 16));
	}

	/* The network around an address an analyst pivots to: /24 or /48. */
	function networkOf(addr) {
		if (isIPv4(addr))
			return addr.split('.').slice(0, 3).join('.') + '.0/24';
		return compressIPv6([...ipv6Groups(addr).slice(0, 3), 0, 0, 0, 0, 0]) + '/48';
	}

	/* Eight groups in the canonical text form (RFC 5952: the longest zero run as ::). */
	function compressIPv6(g) {
		let best = -1,
			bestLen = 1;
		for (let i = 0; i < 8; i++) {
			let j = i;
			while (j < 8 && g[j] === 0)
				j++;
			if (j - i > bestLen) {
				best = i;
				bestLen = j - i;
			}
			i = Math.max(i, j);
		}
		const hex = g.map((x) => x.toString(16));
		return best < 0 ? hex.join(':')
			: hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':');
	}

	/* ------------------------------------------------------------------ */
	/* Names */

	/*
	 * The registered domain of a name, as the server's Public Suffix List
	 * has it (/pdns/v1/domain/): the name itself when it is a public suffix
	 * or has none.  Answers are kept for the page's life.
	 */
	const domains = new Map();
	async function registeredDomain(name, signal) {
		if (!domains.has(name)) {
			const objs = await fetchObjects(`/pdns/v1/domain/${encodeURIComponent(name)}`, {}, signal);
			domains.set(name, (objs[0] && objs[0].registered_domain) || name);
		}
		return domains.get(name);
	}

	/* A name from rdata as a search: without its final dot (but "." stays). */
	const nameQuery = (n) => (n.length > 1 ? n.replace(/\.$/, '') : n);

	/* ------------------------------------------------------------------ */
	/* What was typed, and which lookup answers it */

	/*
	 * kind 'ip': an address, address/prefix, address,prefix or low-high;
	 * kind 'raw': an even number of hex digits holding a digit (or at least
	 *   8 long, so that names such as "cafe" or "ad" stay names);
	 * kind 'name': anything else, by rrset or by rdata as #mode says.
	 */
	function classify(q, mode, type) {
		const s = q.trim();
		const t = type && type !== 'ANY' ? '/' + encodeURIComponent(type) : '';
		let m;
		if ((m = /^([^,/]+)[/,](\d{1,3})$/.exec(s)) && isAddress(m[1]))
			return ipLookup(`${m[1]},${m[2]}`);
		if ((m = /^([0-9A-Fa-f:.]+)-([0-9A-Fa-f:.]+)$/.exec(s)) && isAddress(m[1]) && isAddress(m[2]))
			return ipLookup(s);
		if (isAddress(s))
			return ipLookup(s);
		const hex = s.replace(/^0x/i, '');
		if (/^(?:[0-9A-Fa-f]{2})+$/.test(hex) && (/\d/.test(hex) || hex.length >= 8))
			return {
				kind: 'raw', value: hex, label: `raw rdata ${hex}`,
				path: `/dnsdb/v2/lookup/rdata/raw/${encodeURIComponent(hex)}${t}`,
			};
		const by = mode === 'rdata' ? 'rdata' : 'rrset';
		return {
			kind: 'name', mode: by, value: s, label: `${by} name ${s}`,
			path: `/dnsdb/v2/lookup/${by}/name/${encodeURIComponent(s)}${t}`,
		};
	}

	function ipLookup(value) {
		return {
			kind: 'ip', value, label: `addresses ${value}`,
			path: `/dnsdb/v2/lookup/rdata/ip/${encodeURIComponent(value)}`,
		};
	}

	/* ------------------------------------------------------------------ */
	/* The page's URL: /?q=&type=&mode=&after=&before=[&limit=] */

	function searchFromUrl() {
		const p = new URLSearchParams(location.search);
		return {
			q: (p.get('q') || '').trim(),
			type: (p.get('type') || 'ANY').trim().toUpperCase() || 'ANY',
			mode: p.get('mode') === 'rdata' ? 'rdata' : 'rrset',
			after: validDate(p.get('after')),
			before: validDate(p.get('before')),
			limit: /^\d+$/.test(p.get('limit') || '') ? p.get('limit') : DEFAULT_LIMIT,
		};
	}

	function urlFor(st) {
		if (!st.q)
			return '/';
		const p = new URLSearchParams();
		p.set('q', st.q);
		p.set('type', st.type || 'ANY');
		p.set('mode', st.mode || 'rrset');
		if (st.after)
			p.set('after', st.after);
		if (st.before)
			p.set('before', st.before);
		if (st.limit && st.limit !== DEFAULT_LIMIT)
			p.set('limit', st.limit);
		return '/?' + p.toString();
	}

	function searchFromForm() {
		const limit = $('#limit').value.trim();
		return {
			q: $('#q').value.trim(),
			type: $('#rrtype').value,
			mode: $('#mode').value,
			after: validDate($('#after').value),
			before: validDate($('#before').value),
			limit: /^\d+$/.test(limit) ? String(+limit) : DEFAULT_LIMIT,	/* 0: the key's max_limit */
		};
	}

	function fillForm(st) {
		const sel = $('#rrtype');
		if (![...sel.options].some((o) => o.value === st.type))
			sel.append(el('option', {}, st.type));	/* e.g. TYPE65 from a shared link */
		$('#q').value = st.q;
		sel.value = st.type;
		$('#mode').value = st.mode;
		$('#after').value = st.after;
		$('#before').value = st.before;
		$('#limit').value = st.limit;
		updateLookupHint();
	}

	/* Says, under the form, which lookup the typed text makes. */
	function updateLookupHint() {
		const q = $('#q').value.trim();
		const lk = q ? classify(q, $('#mode').value, $('#rrtype').value) : null;
		$('#lookup-kind').textContent = lk ? `lookup: ${decodeURIComponent(lk.path.replace('/dnsdb/v2/lookup/', ''))}` : '';
	}

	/* ------------------------------------------------------------------ */
	/* The API key */

	function loadKey() {
		try {
			S.key = sessionStorage.getItem(KEY_STORAGE);
		} catch (e) {
			S.key = null;
		}
	}

	function askKey(again) {
		show($('#key-panel'), true);
		show($('#key-cancel'), !!S.key);
		$('#key').value = '';
		$('#key-form h2').textContent = again ? 'Enter the API key again' : 'API key';
		$('#key').focus();
	}

	function saveKey(ev) {
		ev.preventDefault();
		const k = $('#key').value.trim();
		if (!k)
			return;
		S.key = k;
		try {
			sessionStorage.setItem(KEY_STORAGE, k);
		} catch (e) {
			/* private mode: the key lives as long as the page */
		}
		$('#key').value = '';
		show($('#key-panel'), false);
		show($('#app'), true);
		show($('#change-key'), true);
		show($('#key-again'), false);
		/* a search waiting for a key (a shared link, a refused key) runs now */
		const st = S.pendingAuth ? S.search : searchFromUrl();
		S.pendingAuth = false;
		if (st && st.q)
			runSearch(st, 'replace');
		else
			$('#q').focus();
	}

	/* ------------------------------------------------------------------ */
	/* Talking to the API */

	class ApiError extends Error {
		constructor(status, message) {
			super(message);
			this.status = status;
		}
	}

	/* Waits ms, or less when signal aborts. */
	const pause = (ms, signal) => new Promise((resolve) => {
		const t = setTimeout(resolve, ms);
		signal.addEventListener('abort', () => {
			clearTimeout(t);
			resolve();
		}, { once: true });
	});

	/*
	 * apiGetOnce(), again after a pause when the key's concurrent request
	 * limit refused it (the page's own volume and enrichment requests may
	 * hold the slots for a moment); other refusals, quotas among them, at once.
	 */
	async function apiGet(path, params, signal) {
		for (let attempt = 1; ; attempt++) {
			try {
				return await apiGetOnce(path, params, signal);
			} catch (e) {
				if (e.status !== 429 || !/concurrent/i.test(e.message) || attempt > 4 || signal.aborted)
					throw e;
			}
			await pause(250 * attempt, signal);
		}
	}

	/*
	 * GET path?params with the key; resolves to the Response when it is a
	 * 200, throws ApiError with the server's {"error"} message otherwise,
	 * or status 0 when the server could not be reached.
	 */
	async function apiGetOnce(path, params, signal) {
		const qs = new URLSearchParams(params).toString();
		let res;
		try {
			res = await fetch(path + (qs ? '?' + qs : ''), {
				headers: { 'X-API-Key': S.key || '', Accept: 'application/x-ndjson, application/json' },
				signal, cache: 'no-store',
				/* no credentials: a 401's WWW-Authenticate: Basic must not open the browser's login dialog */
				credentials: 'omit',
			});
		} catch (e) {
			if (e.name === 'AbortError')
				throw e;
			throw new ApiError(0, `Network error: the pdns-api server could not be reached (${e.message}).`);
		}
		if (res.ok)
			return res;
		let msg = '';
		try {
			const body = await res.text();
			try {
				msg = JSON.parse(body).error || '';
			} catch (e) {
				/* not the API's JSON (a proxy's page?): plain text only, briefly */
				if (/^text\/plain/.test(res.headers.get('Content-Type') || ''))
					msg = body.trim().slice(0, 300);
			}
		} catch (e) {
			/* the body could not be read: the status says enough */
		}
		throw new ApiError(res.status, msg || `HTTP ${res.status} ${res.statusText}`.trim());
	}

	/* The lines of an NDJSON body, as they arrive. */
	async function* lines(res) {
		const reader = res.body.getReader();
		const dec = new TextDecoder();
		let buf = '';
		for (;;) {
			const { done, value } = await reader.read();
			if (done)
				break;
			buf += dec.decode(value, { stream: true });
			let i;
			while ((i = buf.indexOf('\n')) >= 0) {
				const line = buf.slice(0, i).trim();
				buf = buf.slice(i + 1);
				if (line)
					yield line;
			}
		}
		buf += dec.decode();
		if (buf.trim())
			yield buf.trim();
	}

	/*
	 * Reads a Streaming API Framing answer: calls onObj for each object and
	 * returns {cond, msg} of its last line ('succeeded', 'limited',
	 * 'failed', or 'truncated' when the stream stopped without one).
	 */
	async function readSaf(res, onObj) {
		let end = { cond: 'truncated', msg: 'the answer ended before its last line' };
		for await (const line of lines(res)) {
			let j;
			try {
				j = JSON.parse(line);
			} catch (e) {
				throw new ApiError(-1, `Malformed line in the answer: ${line.slice(0, 80)}`);
			}
			if (j.obj)
				onObj(j.obj);
			else if (j.cond && j.cond !== 'begin' && j.cond !== 'ongoing')
				end = { cond: j.cond, msg: j.msg || '' };
		}
		return end;
	}

	/* A whole SAF answer as an array of objects (volume, enrichment). */
	async function fetchObjects(path, params, signal) {
		const objs = [];
		const end = await readSaf(await apiGet(path, params, signal), (o) => objs.push(o));
		if (end.cond === 'failed' || end.cond === 'truncated')
			throw new ApiError(-1, end.msg || end.cond);
		return objs;
	}

	/* ------------------------------------------------------------------ */
	/* Messages */

	function showError(msg, authProblem) {
		$('#error').textContent = msg;
		show($('#error-box'), !!msg);
		show($('#key-again'), !!authProblem);
	}

	function setLoading(on) {
		show($('#loading'), on);
		document.body.classList.toggle('busy', on);
	}

	const plural = (n, word) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

	/* ------------------------------------------------------------------ */
	/* A search */

	/*
	 * Runs a search and shows it.  how: 'push' (a new history entry: form,
	 * pivots), 'replace' (the first page load) or 'none' (back/forward).
	 */
	async function runSearch(st, how) {
		fillForm(st);
		if (how === 'push' && urlFor(st) !== location.pathname + location.search)
			history.pushState(st, '', urlFor(st));
		else if (how === 'replace')
			history.replaceState(st, '', urlFor(st));
		if (S.controller)
			S.controller.abort();
		S.controller = null;
		S.search = st;
		resetResults();
		if (!st.q) {
			document.title = 'pdns explorer';
			return;
		}
		if (!S.key) {
			S.pendingAuth = true;
			askKey(false);
			return;
		}
		document.title = `${st.q} — pdns explorer`;

		const ctl = new AbortController();
		S.controller = ctl;
		const lk = classify(st.q, st.mode, st.type);
		S.lookup = lk;
		const params = { humantime: 'false' };
		if (st.limit)
			params.limit = st.limit;
		if (st.after)
			params.time_last_after = dateToEpoch(st.after);
		if (st.before)
			params.time_first_before = dateToEpoch(st.before);

		setLoading(true);
		$('#status').textContent = `Searching ${lk.label}…`;
		const started = performance.now();
		let end;
		try {
			const res = await apiGet(lk.path, params, ctl.signal);
			end = await readSaf(res, (obj) => {
				S.results.push(resultOf(obj, S.results.length));
				if (S.results.length % 200 === 0)
					$('#status').textContent = `${plural(S.results.length, 'result')} so far…`;
			});
		} catch (e) {
			if (e.name === 'AbortError' || ctl.signal.aborted)
				return;
			setLoading(false);
			const auth = e.status === 401 || e.status === 403;
			S.pendingAuth = auth;
			showError(e.message, auth);
			$('#status').textContent = S.results.length
				? `${plural(S.results.length, 'result')} before the error` : '';
			if (!S.results.length)
				return;
			end = { cond: 'error' };
		}
		if (ctl.signal.aborted)
			return;
		setLoading(false);

		const secs = ((performance.now() - started) / 1000).toFixed(2);
		show($('#truncated'), end.cond === 'limited');
		if (end.cond === 'failed' || end.cond === 'truncated')
			showError(end.msg || 'The lookup failed.', false);
		$('#status').textContent = `${plural(S.results.length, 'result')} for ${lk.label}`
			+ (st.type !== 'ANY' && lk.kind !== 'ip' ? ` (${st.type})` : '')
			+ (end.cond === 'limited' ? ' (limit reached)' : '') + ` in ${secs} s`;

		S.order = S.results.slice();
		renderResults();
		startEnrichment(ctl.signal);
		if (lk.kind === 'name')
			loadVolume(ctl.signal);
	}

	/* One result, with the addresses in its rdata (for enrichment). */
	function resultOf(obj, index) {
		const rdata = Array.isArray(obj.rdata) ? obj.rdata : obj.rdata === undefined ? [] : [obj.rdata];
		obj.rdata = rdata.map(String);
		const addrs = obj.rrtype === 'A' || obj.rrtype === 'AAAA' ? obj.rdata.filter(isAddress) : [];
		return { obj, index, addrs };
	}

	function resetResults() {
		S.results = [];
		S.order = [];
		S.sort = { key: null, dir: 1 };
		S.enrich = new Map();
		S.volume = null;
		S.lookup = null;
		setLoading(false);
		showError('', false);
		show($('#truncated'), false);
		$('#status').textContent = '';
		$('#results tbody').replaceChildren();
		updateSortHeaders();
		show($('#results-panel'), false);
		show($('#timeline-panel'), false);
		show($('#volume-panel'), false);
	}

	function renderResults() {
		const any = S.results.length > 0;
		show($('#results-panel'), any);
		show($('#timeline-panel'), any);
		renderTable();
		if (any)
			renderTimeline();
	}

	/* ------------------------------------------------------------------ */
	/* The results table */

	function renderTable() {
		const frag = document.createDocumentFragment();
		const rdataSearch = S.lookup && S.lookup.kind !== 'name' || S.lookup && S.lookup.mode === 'rdata';
		for (const r of S.order)
			frag.append(tableRow(r, rdataSearch));
		$('#results tbody').replaceChildren(frag);
	}

	function tableRow(r, rdataSearch) {
		const o = r.obj;
		const tr = el('tr', {
			'data-rrname': o.rrname, 'data-rrtype': o.rrtype, 'data-count': o.count,
			'data-first': o.time_first, 'data-last': o.time_last, 'data-index': r.index,
		});
		const rrname = el('td', { class: 'rrname' });
		if (rdataSearch)
			rrname.append(pivotName(o.rrname));
		else
			rrname.textContent = o.rrname;
		const rd = el('td', { class: 'rdata' });
		for (const v of o.rdata)
			rd.append(rdataItem(o.rrtype, v));
		tr.append(rrname,
			el('td', { class: 'rrtype' }, o.rrtype),
			rd,
			el('td', { class: 'count num' }, o.count),
			el('td', { class: 'first time' }, fmtTime(o.time_first)),
			el('td', { class: 'last time' }, fmtTime(o.time_last)),
			el('td', { class: 'bailiwick' }, o.bailiwick || ''),
			el('td', { class: 'asn' }),
			el('td', { class: 'country' }));
		fillEnrichment(tr, r);
		return tr;
	}

	/*
	 * One rdata value, with its names and addresses as pivots: the address
	 * of an A/AAAA (and its /24 or /48), the name of NS, CNAME, PTR, DNAME,
	 * the targets of MX, SRV, HTTPS/SVCB, NAPTR, the MNAME of a SOA.
	 */
	function rdataItem(rrtype, v) {
		const div = el('div', { class: 'rdata-item' });
		const f = v.split(/\s+/);
		const nameAt = (i) => {
			div.append(f.slice(0, i).join(' ') + (i ? ' ' : ''));
			div.append(f[i] === '.' ? '.' : pivotName(f[i]));
			if (i + 1 < f.length)
				div.append(' ' + f.slice(i + 1).join(' '));
		};
		switch (rrtype) {
		case 'A':
		case 'AAAA':
			if (isAddress(v)) {
				div.append(pivotLink('pivot-ip', v, v, `search ${v}`), ' ',
					pivotLink('pivot-net', isIPv4(v) ? '/24' : '/48', networkOf(v), `search ${networkOf(v)}`));
				return div;
			}
			break;
		case 'NS': case 'CNAME': case 'PTR': case 'DNAME':
			if (f.length === 1 && v !== '.') {
				div.append(pivotName(v));
				return div;
			}
			break;
		default: {
			/* the field holding a name, in the types that have one */
			const at = { MX: f.length === 2 ? 1 : -1, SRV: f.length === 4 ? 3 : -1,
				HTTPS: f.length >= 2 ? 1 : -1, SVCB: f.length >= 2 ? 1 : -1,
				NAPTR: f.length >= 6 ? f.length - 1 : -1, SOA: f.length === 7 ? 0 : -1 }[rrtype];
			if (at >= 0) {
				nameAt(at);
				return div;
			}
		}
		}
		div.textContent = v;
		return div;
	}

	/* A link that searches q (same fences and limit as the shown search). */
	function pivotLink(cls, text, q, title) {
		const st = {
			q, type: 'ANY', mode: 'rrset',
			after: S.search ? S.search.after : '', before: S.search ? S.search.before : '',
			limit: S.search ? S.search.limit : DEFAULT_LIMIT,
		};
		return el('a', { class: cls, href: urlFor(st), title }, text);
	}

	const pivotName = (n) => pivotLink('pivot-name', n, nameQuery(n), `search ${nameQuery(n)}`);

	/* A click on a pivot: a new search, in the page (modified clicks open tabs). */
	function onPivotClick(ev) {
		const a = ev.target.closest('a.pivot-ip, a.pivot-net, a.pivot-name');
		if (!a || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey)
			return;
		ev.preventDefault();
		const p = new URL(a.href).searchParams;
		runSearch({
			q: p.get('q') || '', type: p.get('type') || 'ANY', mode: p.get('mode') || 'rrset',
			after: validDate(p.get('after')), before: validDate(p.get('before')),
			limit: p.get('limit') || DEFAULT_LIMIT,
		}, 'push');
		window.scrollTo({ top: 0 });
	}

	/* Sorting: a header click sorts ascending, a second one descending. */
	const SORT_KEYS = {
		rrname: (o) => o.rrname,
		rrtype: (o) => o.rrtype,
		count: (o) => o.count,
		first: (o) => o.time_first,
		last: (o) => o.time_last,
	};

	function onSortClick(ev) {
		const th = ev.target.closest('th[data-sort]');
		if (!th || !S.results.length)
			return;
		const key = th.dataset.sort;
		S.sort = { key, dir: S.sort.key === key ? -S.sort.dir : 1 };
		const get = SORT_KEYS[key];
		S.order = S.results.slice().sort((a, b) => {
			const x = get(a.obj),
				y = get(b.obj);
			const c = x < y ? -1 : x > y ? 1 : 0;
			return c * S.sort.dir || a.index - b.index;
		});
		updateSortHeaders();
		renderResults();
	}

	function updateSortHeaders() {
		for (const th of document.querySelectorAll('#results th[data-sort]')) {
			const on = th.dataset.sort === S.sort.key;
			th.classList.toggle('sorted-asc', on && S.sort.dir > 0);
			th.classList.toggle('sorted-desc', on && S.sort.dir < 0);
			th.setAttribute('aria-sort', on ? (S.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
		}
	}

	/* ------------------------------------------------------------------ */
	/* Enrichment: ASN, AS org and country of each address while seen */

	function startEnrichment(signal) {
		/* each distinct address, with the span it was seen in */
		const spans = new Map();
		for (const r of S.results)
			for (const a of r.addrs) {
				const s = spans.get(a);
				if (s) {
					s.first = Math.min(s.first, r.obj.time_first);
					s.last = Math.max(s.last, r.obj.time_last);
				} else
					spans.set(a, { first: r.obj.time_first, last: r.obj.time_last });
			}
		const queue = [...spans.entries()].slice(0, ENRICH_MAX);
		for (const [a] of queue)
			S.enrich.set(a, 'pending');
		for (const a of [...spans.keys()].slice(ENRICH_MAX))
			S.enrich.set(a, 'skipped');
		refreshEnrichment();
		if (!queue.length)
			return;
		let stop = false;
		const worker = async () => {
			while (queue.length && !stop && !signal.aborted) {
				const [addr, span] = queue.shift();
				const ck = `${addr} ${span.first} ${span.last}`;
				try {
					if (!ENRICH_CACHE.has(ck)) {
						const objs = await fetchObjects(`/pdns/v1/enrich/${encodeURIComponent(addr)}`,
							{ first: span.first, last: span.last }, signal);
						if (ENRICH_CACHE.size > 5000)
							ENRICH_CACHE.clear();
						ENRICH_CACHE.set(ck, summarizeEnrichment(objs));
					}
					S.enrich.set(addr, ENRICH_CACHE.get(ck));
				} catch (e) {
					if (signal.aborted)
						return;
					/* a refused key or a spent quota stops the rest, quietly */
					if ([401, 403, 429].includes(e.status))
						stop = true;
					S.enrich.set(addr, 'failed');
				}
				refreshEnrichment(addr);
			}
			if (stop && !signal.aborted)
				for (const [a] of queue.splice(0))
					S.enrich.set(a, 'failed');
		};
		Promise.all(Array.from({ length: ENRICH_PARALLEL }, worker)).then(() => {
			if (!signal.aborted)
				refreshEnrichment();
		});
	}

	/* What the sources said, newest first: distinct ASNs and countries. */
	function summarizeEnrichment(objs) {
		const asns = new Map(),
			countries = new Map();
		for (const o of objs) {
			if (o.asn !== undefined && o.asn !== null && !asns.has(o.asn))
				asns.set(o.asn, o.as_org || '');
			if (o.country && !countries.has(o.country))
				countries.set(o.country, o.city || '');
		}
		return { asns: [...asns.entries()], countries: [...countries.entries()], objs };
	}

	/* Fills the ASN and country cells of the rows (of one address, or all). */
	function refreshEnrichment(addr) {
		for (const tr of document.querySelectorAll('#results tbody tr')) {
			const r = S.results[+tr.dataset.index];
			if (r && r.addrs.length && (!addr || r.addrs.includes(addr)))
				fillEnrichment(tr, r);
		}
	}

	function fillEnrichment(tr, r) {
		const asnTd = tr.querySelector('td.asn'),
			ctTd = tr.querySelector('td.country');
		if (!r.addrs.length)
			return;
		const states = r.addrs.map((a) => S.enrich.get(a));
		const pending = states.includes('pending');
		asnTd.classList.toggle('pending', pending);
		ctTd.classList.toggle('pending', pending);
		const asns = [],
			countries = [],
			notes = [];
		r.addrs.forEach((a, i) => {
			const e = states[i];
			if (e && typeof e === 'object') {
				for (const [asn, org] of e.asns)
					if (!asns.some((x) => x[0] === asn))
						asns.push([asn, org]);
				for (const [c, city] of e.countries)
					if (!countries.some((x) => x[0] === c))
						countries.push([c, city]);
			} else if (e === 'failed')
				notes.push(`${a}: enrichment unavailable`);
			else if (e === 'skipped')
				notes.push(`${a}: not enriched (at most ${ENRICH_MAX} addresses per search)`);
		});
		asnTd.replaceChildren();
		asns.forEach(([asn, org], i) => {
			if (i)
				asnTd.append(el('br'));
			asnTd.append(el('span', { class: 'asn-num' }, `AS${asn}`));
			if (org)
				asnTd.append(' ', el('span', { class: 'as-org' }, org));
		});
		ctTd.textContent = countries.map((c) => c[0]).join(', ');
		const cities = countries.filter((c) => c[1]).map((c) => `${c[0]}: ${c[1]}`);
		asnTd.title = notes.join('\n');
		ctTd.title = cities.concat(notes).join('\n');
	}

	/* ------------------------------------------------------------------ */
	/* The timeline: one bar per RRset, from time_first to time_last */

	const typeColour = (t) => TYPE_COLOURS[t] || hashColour(t);

	function hashColour(s) {
		let h = 0;
		for (const c of String(s))
			h = (h * 31 + c.charCodeAt(0)) >>> 0;
		return `hsl(${h % 360}, 45%, 48%)`;
	}

	/* The width a chart may take: its scroll box's or its panel's, at least minimum. */
	function chartWidth(e, minimum) {
		const box = e.parentNode.classList.contains('chart-scroll') ? e.parentNode.clientWidth
			: e.closest('.panel').clientWidth - 32;
		return Math.max(minimum, Math.floor(box));
	}

	/* Cuts a label to about maxPx at the chart's font (monospace-ish estimate). */
	function fitLabel(s, maxPx) {
		const n = Math.floor(maxPx / 6.6);
		return s.length > n ? s.slice(0, Math.max(1, n - 1)) + '…' : s;
	}

	function renderTimeline() {
		const root = $('#timeline');
		const rows = S.order;
		const W = chartWidth(root, 640);
		const rh = rows.length <= 40 ? 18 : rows.length <= 150 ? 13 : 7;
		const axisH = 26,
			labelW = Math.min(340, Math.round(W * 0.3)),
			x0 = labelW + 10,
			x1 = W - 14;
		const H = axisH + rows.length * rh + 8;
		let t0 = Math.min(...rows.map((r) => r.obj.time_first)),
			t1 = Math.max(...rows.map((r) => r.obj.time_last));
		if (t1 - t0 < 3600) {
			t0 -= 1800;
			t1 += 1800;
		}
		const x = (t) => x0 + ((t - t0) / (t1 - t0)) * (x1 - x0);
		const rdataSearch = S.lookup.kind !== 'name' || S.lookup.mode === 'rdata';

		root.replaceChildren();
		root.setAttribute('width', W);
		root.setAttribute('height', H);
		root.setAttribute('viewBox', `0 0 ${W} ${H}`);

		/* axis: date ticks and grid lines */
		const axis = svg('g', { class: 'axis' });
		for (const tk of timeTicks(t0, t1, Math.max(2, Math.floor((x1 - x0) / 110)))) {
			axis.append(svg('line', { class: 'grid', x1: x(tk.t), x2: x(tk.t), y1: axisH - 6, y2: H - 6 }));
			axis.append(tickLabel(tk, x(tk.t), axisH - 10, W));
		}
		axis.append(svg('line', { class: 'axis-line', x1: x0, x2: x1, y1: axisH - 6, y2: axisH - 6 }));
		root.append(axis);

		/* rows: a stripe, a label and the bar */
		const g = svg('g', { class: 'rows' });
		rows.forEach((r, i) => {
			const o = r.obj;
			const y = axisH + i * rh;
			const label = rdataSearch ? `${o.rrname} → ${o.rdata.join(' ')}` : `${o.rrname} ${o.rrtype}`;
			if (i % 2 === 0)
				g.append(svg('rect', { class: 'stripe', x: 0, y, width: W, height: rh }));
			if (rh >= 12)
				g.append(svgTitle(svg('text', { class: 'row-label', x: labelW, y: y + rh - 5, 'text-anchor': 'end' },
					fitLabel(label, labelW - 4)), label));
			const bx = x(o.time_first),
				bw = Math.max(3, x(o.time_last) - bx);
			const bar = svg('rect', {
				class: 'bar', x: bx.toFixed(1), y: y + 2, width: bw.toFixed(1), height: Math.max(3, rh - 4),
				rx: 2, fill: typeColour(o.rrtype),
				'data-first': o.time_first, 'data-last': o.time_last, 'data-rrtype': o.rrtype,
				'data-count': o.count, 'data-index': r.index,
			});
			svgTitle(bar, `${o.rrname} ${o.rrtype}\n${o.rdata.join('\n')}\ncount: ${o.count}\n`
				+ `first seen: ${fmtTime(o.time_first)} UTC\nlast seen: ${fmtTime(o.time_last)} UTC`);
			g.append(bar);
		});
		root.append(g);
		renderLegend($('#timeline-legend'), [...new Set(rows.map((r) => r.obj.rrtype))].sort()
			.map((t) => [t, typeColour(t)]));
	}

	/* A date label on a time axis, centred on its tick but kept inside the chart. */
	function tickLabel(tk, x, y, W, start) {
		const w = tk.label.length * 6.6,
			half = start ? 0 : w / 2;
		const anchor = x - half < 0 ? 'start' : x - half + w > W - 2 ? 'end' : start ? 'start' : 'middle';
		return svg('text', { class: 'tick', x: anchor === 'end' ? Math.min(x, W - 2) : x, y, 'text-anchor': anchor }, tk.label);
	}

	/* A legend: a coloured swatch and a word per entry. */
	function renderLegend(box, entries) {
		box.replaceChildren(...entries.map(([label, colour]) => {
			const sw = el('span', { class: 'swatch' });
			sw.style.backgroundColor = colour;	/* CSSOM: allowed by the policy */
			return el('span', { class: 'legend-item' }, sw, label);
		}));
	}

	/* A bar clicked: its row in the table, briefly highlighted. */
	function onTimelineClick(ev) {
		const bar = ev.target.closest('rect.bar');
		if (!bar)
			return;
		const tr = document.querySelector(`#results tbody tr[data-index="${CSS.escape(bar.dataset.index)}"]`);
		if (!tr)
			return;
		tr.scrollIntoView({ block: 'center', behavior: 'smooth' });
		tr.classList.remove('flash');
		void tr.offsetWidth;	/* restart the animation */
		tr.classList.add('flash');
	}

	/* ------------------------------------------------------------------ */
	/* The volume chart: observations and negative answers per period */

	/*
	 * What the volume chart shows for a name search: scope "name", the
	 * searched name itself (for *.domain, the domain and everything below
	 * it); scope "domain", its registered domain and everything below.
	 * A right wildcard (www.example.*) has no single name: no chart.
	 */
	async function volumeTarget(scope, signal) {
		let name = S.lookup.value.replace(/\.$/, '');
		if (/\*$/.test(name) || name === '')
			return null;
		const below = name.startsWith('*.');
		name = name.replace(/^\*\./, '');
		if (name.includes('*'))
			return null;
		if (scope === 'domain')
			return { kind: 'domain', name: await registeredDomain(name, signal) };
		return { kind: below ? 'domain' : 'name', name };
	}

	async function loadVolume(signal) {
		const scopeSel = $('#volume-scope');
		const nameT = await volumeTarget('name', signal);
		if (!nameT)
			return;
		let domT;
		try {
			domT = await volumeTarget('domain', signal);
		} catch (e) {
			if (signal.aborted)
				return;
			domT = { kind: 'domain', name: nameT.name };	/* (the name alone, then) */
		}
		scopeSel.options[0].textContent = `this name: ${nameT.name}${nameT.kind === 'domain' ? ' and below' : ''}`;
		scopeSel.options[1].textContent = `registered domain: ${domT.name} and below`;
		const target = scopeSel.value === 'domain' ? domT : nameT;
		const seq = ++S.volumeSeq;	/* a later scope switch wins over this one */
		show($('#volume-panel'), true);
		$('#volume').replaceChildren();
		$('#volume-status').textContent = 'loading…';
		renderLegend($('#volume-legend'), [['observations', '#2f6fb5'], ['negative answers', '#e0533d']]);
		let periods;
		try {
			periods = await fetchObjects(`/pdns/v1/volume/${target.kind}/${encodeURIComponent(target.name)}`, {}, signal);
		} catch (e) {
			if (signal.aborted || seq !== S.volumeSeq)
				return;
			$('#volume-status').textContent = `volume unavailable: ${e.message}`;
			return;
		}
		if (signal.aborted || seq !== S.volumeSeq)
			return;
		S.volume = { target, periods: periods.sort((a, b) => a.period - b.period) };
		const total = periods.reduce((s, p) => s + (p.observations || 0), 0);
		$('#volume-status').textContent = `${plural(periods.length, 'day')}, ${plural(total, 'observation')}`;
		renderVolume();
	}

	function renderVolume() {
		const root = $('#volume');
		const periods = S.volume ? S.volume.periods : [];
		const W = chartWidth(root, 640),
			H = 190;
		const x0 = 52,
			x1 = W - 14,
			yTop = 12,
			yBase = H - 26;
		root.replaceChildren();
		root.setAttribute('width', W);
		root.setAttribute('height', H);
		root.setAttribute('viewBox', `0 0 ${W} ${H}`);
		if (!periods.length) {
			root.append(svg('text', { class: 'empty', x: W / 2, y: H / 2, 'text-anchor': 'middle' },
				'no volume recorded for this name'));
			return;
		}
		/* the period: the smallest gap between periods (a day by default) */
		let step = DAY;
		for (let i = 1; i < periods.length; i++)
			step = Math.min(step, Math.max(1, periods[i].period - periods[i - 1].period));
		const t0 = periods[0].period,
			t1 = periods[periods.length - 1].period + step;
		const x = (t) => x0 + ((t - t0) / (t1 - t0)) * (x1 - x0);
		const ymax = niceCeil(Math.max(1, ...periods.map((p) => (p.observations || 0) + (p.negative || 0))));
		const y = (v) => (v / ymax) * (yBase - yTop);
		const bw = Math.max(1, (x1 - x0) * (step / (t1 - t0)) - 2);

		const axis = svg('g', { class: 'axis' });
		for (const v of [0, ymax / 2, ymax]) {
			axis.append(svg('line', { class: 'grid', x1: x0, x2: x1, y1: yBase - y(v), y2: yBase - y(v) }));
			axis.append(svg('text', { class: 'tick', x: x0 - 6, y: yBase - y(v) + 4, 'text-anchor': 'end' },
				Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(1)));
		}
		for (const tk of timeTicks(t0, t1, Math.max(2, Math.floor((x1 - x0) / 110))))
			if (tk.t < t1)
				axis.append(tickLabel(tk, x(tk.t), H - 8, W, true));	/* under the day's bar */
		root.append(axis);

		const g = svg('g', { class: 'bars' });
		for (const p of periods) {
			const obs = p.observations || 0,
				neg = p.negative || 0;
			const bx = (x(p.period) + 1).toFixed(1);
			const day = fmtDate(p.period);
			g.append(svgTitle(svg('rect', {
				class: 'obs', x: bx, y: (yBase - y(obs)).toFixed(1), width: bw.toFixed(1), height: y(obs).toFixed(1),
				'data-period': p.period, 'data-count': obs,
			}), `${day}: ${plural(obs, 'observation')}`));
			g.append(svgTitle(svg('rect', {
				class: 'neg', x: bx, y: (yBase - y(obs) - y(neg)).toFixed(1), width: bw.toFixed(1), height: y(neg).toFixed(1),
				'data-period': p.period, 'data-count': neg,
			}), `${day}: ${plural(neg, 'negative answer')} (${p.nxdomain || 0} NXDOMAIN)`));
		}
		root.append(g);
	}

	/* A round number at least v (1, 2, 5 times a power of ten). */
	function niceCeil(v) {
		const p = Math.pow(10, Math.floor(Math.log10(v)));
		return [1, 2, 5, 10].map((m) => m * p).find((n) => n >= v);
	}

	/* ------------------------------------------------------------------ */
	/* Wiring */

	/*
	 * The charts are drawn to their panel's width: drawn again when it
	 * changes (the window resized, a scrollbar come or gone).
	 */
	function watchWidths() {
		const drawn = new Map();
		const ro = new ResizeObserver((entries) => {
			for (const en of entries) {
				const w = Math.round(en.contentRect.width);
				if (w === 0 || drawn.get(en.target) === w)
					continue;
				const first = !drawn.has(en.target);
				drawn.set(en.target, w);
				if (first)
					continue;
				if (en.target.id === 'timeline-panel' && S.results.length)
					renderTimeline();
				else if (en.target.id === 'volume-panel' && S.volume)
					renderVolume();
			}
		});
		ro.observe($('#timeline-panel'));
		ro.observe($('#volume-panel'));
	}

	function init() {
		loadKey();
		$('#key-form').addEventListener('submit', saveKey);
		$('#key-cancel').addEventListener('click', () => show($('#key-panel'), false));
		$('#change-key').addEventListener('click', () => askKey(false));
		$('#key-again').addEventListener('click', () => askKey(true));
		$('#search').addEventListener('submit', (ev) => {
			ev.preventDefault();
			const st = searchFromForm();
			if (st.q)
				runSearch(st, 'push');
			else
				$('#q').focus();
		});
		for (const id of ['#q', '#mode', '#rrtype'])
			$(id).addEventListener('input', updateLookupHint);
		$('#home').addEventListener('click', (ev) => {
			ev.preventDefault();
			runSearch({ ...searchFromForm(), q: '' }, 'push');
		});
		$('#results thead').addEventListener('click', onSortClick);
		document.addEventListener('click', onPivotClick);
		$('#timeline').addEventListener('click', onTimelineClick);
		$('#volume-scope').addEventListener('change', () => {
			if (S.lookup && S.lookup.kind === 'name' && S.controller)
				loadVolume(S.controller.signal);
		});
		window.addEventListener('popstate', () => runSearch(searchFromUrl(), 'none'));
		watchWidths();

		const st = searchFromUrl();
		fillForm(st);
		if (!S.key) {
			S.pendingAuth = false;
			askKey(false);
			return;
		}
		show($('#app'), true);
		show($('#change-key'), true);
		if (st.q)
			runSearch(st, 'replace');
		else
			$('#q').focus();
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
})();
