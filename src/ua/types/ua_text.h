/* Text forms of built-in values: NodeId and ExpandedNodeId strings
 * (Part 6 (1.05) 5.1.12 / 5.3.1.10-11: "ns=1;s=Foo", "i=85",
 * "nsu=urn:x;g=...", "svr=1;ns=2;b=..."), Guids, and DateTime conversions
 * (Unix time, ISO 8601). Pure functions; no I/O. */
#ifndef UA_TEXT_H
#define UA_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "ua_types.h"

/** Parses s[0..len) as a NodeId into the uninitialised *out. Returns Good
 *  or BadNodeIdInvalid; "nsu=" and "svr=" are ExpandedNodeId-only. */
ua_status ua_nodeid_parse(ua_NodeId *out, const char *s, size_t len);
/** Parses an ExpandedNodeId (optional "svr=<n>;", then "nsu=<uri>;" or
 *  "ns=<n>;", then the identifier). Returns Good or BadNodeIdInvalid. */
ua_status ua_expnodeid_parse(ua_ExpandedNodeId *out, const char *s, size_t len);
/** Returns the text form as an owned, NUL-terminated string (free()), or
 *  NULL when out of memory. Namespace 0 is written without "ns=0;". */
char *ua_nodeid_to_cstr(const ua_NodeId *id);
char *ua_expnodeid_to_cstr(const ua_ExpandedNodeId *id);

/** Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (either case). 0 or -1. */
int ua_guid_parse(ua_Guid *out, const char *s, size_t len);
/** Writes the lowercase text form and a NUL into buf[37]. */
void ua_guid_print(const ua_Guid *g, char buf[37]);

/* DateTime: 100 ns ticks since 1601-01-01T00:00:00Z. */
#define UA_DATETIME_UNIX_EPOCH INT64_C(116444736000000000)
#define UA_DATETIME_SEC        INT64_C(10000000)

ua_DateTime ua_datetime_from_unix_us(int64_t unix_us);
int64_t ua_datetime_to_unix_us(ua_DateTime t);
double ua_datetime_to_unix_seconds(ua_DateTime t);
/** Returns the current wall-clock time. */
ua_DateTime ua_datetime_now(void);

/** Writes t as "YYYY-MM-DDTHH:MM:SS[.f...]Z" with frac_digits (0..7)
 *  fractional digits into buf (at least 40 bytes). Returns the length, or
 *  -1 when the year is outside 0001..9999. */
int ua_datetime_print_iso(ua_DateTime t, int frac_digits, char *buf, size_t size);
/** Parses ISO 8601 "YYYY-MM-DD[T| ]HH:MM[:SS[.f...]][Z|+HH:MM|-HH:MM|+HHMM]"
 *  (a bare date means midnight UTC; no zone means UTC). 0 or -1. */
int ua_datetime_parse_iso(const char *s, size_t len, ua_DateTime *out);

#endif
