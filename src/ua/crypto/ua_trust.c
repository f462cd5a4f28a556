/* Directory trust store for server certificates and the trust policies
 * fingerprint / fingerprint+expiry / full (Part 4 (1.05) 6.1.3: the checks
 * of a certificate and the status code each one fails with). Keeps no
 * state besides the root path: every decision reads the directories, so
 * an operator's copy into trusted/ takes effect on the next check. */
#include "ua_trust.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ua_statuscodes.h"
#include "ua_text.h"
#include "util/log.h"

#define BYTESTRING UA_BUILTIN(UA_KIND_BYTESTRING)

#define TRUSTED_CERTS  "trusted/certs"
#define TRUSTED_CRL    "trusted/crl"
#define ISSUERS_CERTS  "issuers/certs"
#define ISSUERS_CRL    "issuers/crl"
#define REJECTED_CERTS "rejected/certs"

struct ua_trust_store {
    pthread_mutex_t lock;
    char root[PATH_MAX - 64]; /* room for "/rejected/certs/<40>.der" */
};

static const char *const policy_names[] = {"fingerprint", "fingerprint+expiry", "full"};

ua_status ua_trust_policy_parse(const char *name, ua_trust_policy *out)
{
    for (int i = 0; name && i < 3; i++) {
        if (strcmp(name, policy_names[i]) == 0) {
            *out = (ua_trust_policy)i;
            return UA_STATUS_GOOD;
        }
    }
    return UA_STATUS_BADINVALIDARGUMENT;
}

const char *ua_trust_policy_name(ua_trust_policy p)
{
    return (unsigned)p < 3 ? policy_names[p] : "unknown";
}

/* ---- paths and directory scans ----------------------------------------- */

/* root/sub[/name]; name is a thumbprint or a directory entry, never a
 * path: callers pass validated thumbprints or readdir names. */
static int build_path(const ua_trust_store *s, const char *sub, const char *name, char *out,
                      size_t size)
{
    int n = name ? snprintf(out, size, "%s/%s/%s", s->root, sub, name)
                 : snprintf(out, size, "%s/%s", s->root, sub);
    return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

static int own_file_path(const ua_trust_store *s, const char *sub, const char *thumb, char *out,
                         size_t size)
{
    char name[UA_CERT_THUMBPRINT_HEX + 4];
    snprintf(name, sizeof(name), "%s.der", thumb);
    return build_path(s, sub, name, out, size);
}

ua_status ua_trust_store_open(const char *root, ua_trust_store **out)
{
    *out = NULL;
    size_t len = root ? strlen(root) : 0;
    while (len > 1 && root[len - 1] == '/')
        len--;
    ua_trust_store probe;
    if (len == 0 || len >= sizeof(probe.root))
        return UA_STATUS_BADINVALIDARGUMENT;
    ua_trust_store *s = calloc(1, sizeof(*s));
    if (!s)
        return UA_STATUS_BADOUTOFMEMORY;
    memcpy(s->root, root, len);
    s->root[len] = 0;
    static const char *const dirs[] = {TRUSTED_CERTS, TRUSTED_CRL, ISSUERS_CERTS, ISSUERS_CRL,
                                       REJECTED_CERTS};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        if (build_path(s, dirs[i], NULL, path, sizeof(path)) != 0 ||
            ua_cert_mkdirs(path, 0700) != UA_STATUS_GOOD) {
            free(s);
            return UA_STATUS_BADNOTWRITABLE;
        }
    }
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return UA_STATUS_BADINTERNALERROR;
    }
    *out = s;
    return UA_STATUS_GOOD;
}

void ua_trust_store_delete(ua_trust_store *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->lock);
    free(s);
}

const char *ua_trust_store_root(const ua_trust_store *s)
{
    return s->root;
}

/* Called per readable regular file of a directory with its path and
 * contents; returns non-zero to stop the scan. */
typedef int (*file_fn)(void *ctx, const char *path, const ua_ByteString *data);

static bool skip_name(const char *name)
{
    /* Hidden files and our own half-written temporary files. */
    return name[0] == '.' || strstr(name, ".tmp.") != NULL;
}

static void scan_dir(const ua_trust_store *s, const char *sub, file_fn fn, void *ctx)
{
    char dir[PATH_MAX];
    if (build_path(s, sub, NULL, dir, sizeof(dir)) != 0)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    unsigned seen = 0;
    while ((e = readdir(d)) && seen < UA_TRUST_MAX_FILES) {
        char path[PATH_MAX];
        if (skip_name(e->d_name) || build_path(s, sub, e->d_name, path, sizeof(path)) != 0)
            continue;
        ua_ByteString data = {0, NULL};
        if (ua_cert_file_read(path, UA_CERT_MAX_FILE, &data) != UA_STATUS_GOOD)
            continue;
        seen++;
        int stop = fn(ctx, path, &data);
        ua_clear(&data, BYTESTRING);
        if (stop)
            break;
    }
    closedir(d);
}

/* ---- membership -------------------------------------------------------- */

typedef struct match_ctx {
    const char *thumb;
    bool found;
    bool unlink_all; /* remove every matching file */
    int removed;
    bool unlink_failed;
} match_ctx;

static int match_file(void *arg, const char *path, const ua_ByteString *data)
{
    match_ctx *m = arg;
    ua_ByteString leaf = {0, NULL};
    char thumb[UA_CERT_THUMBPRINT_HEX];
    bool hit = ua_cert_parse(data->data, data->length, &leaf, NULL, NULL) == UA_STATUS_GOOD &&
               ua_cert_thumbprint_hex(&leaf, thumb) == UA_STATUS_GOOD &&
               strcmp(thumb, m->thumb) == 0;
    ua_clear(&leaf, BYTESTRING);
    if (!hit)
        return 0;
    m->found = true;
    if (!m->unlink_all)
        return 1;
    if (unlink(path) == 0)
        m->removed++;
    else
        m->unlink_failed = true;
    return 0;
}

/* Is a certificate with thumbprint thumb in directory sub? The file we
 * would have written is tried first, then every file (operators' names). */
static bool contains(const ua_trust_store *s, const char *sub, const char *thumb)
{
    char path[PATH_MAX];
    match_ctx m = {thumb, false, false, 0, false};
    if (own_file_path(s, sub, thumb, path, sizeof(path)) == 0) {
        ua_ByteString data = {0, NULL};
        if (ua_cert_file_read(path, UA_CERT_MAX_FILE, &data) == UA_STATUS_GOOD)
            match_file(&m, path, &data);
        ua_clear(&data, BYTESTRING);
    }
    if (!m.found)
        scan_dir(s, sub, match_file, &m);
    return m.found;
}

/* Removes every file of sub holding thumb; returns how many, -1 when one
 * could not be removed. */
static int remove_all(const ua_trust_store *s, const char *sub, const char *thumb)
{
    match_ctx m = {thumb, false, true, 0, false};
    scan_dir(s, sub, match_file, &m);
    return m.unlink_failed ? -1 : m.removed;
}

static ua_status write_cert(const ua_trust_store *s, const char *sub, const char *thumb,
                            const ua_ByteString *leaf)
{
    char path[PATH_MAX];
    if (own_file_path(s, sub, thumb, path, sizeof(path)) != 0)
        return UA_STATUS_BADNOTWRITABLE;
    return ua_cert_file_write(path, leaf->data, leaf->length, 0600);
}

/* ---- management ----------------------------------------------------------- */

ua_status ua_trust_add(ua_trust_store *s, const ua_ByteString *cert,
                       char thumbprint[UA_CERT_THUMBPRINT_HEX])
{
    if (thumbprint)
        thumbprint[0] = 0;
    if (!cert || !cert->data)
        return UA_STATUS_BADCERTIFICATEINVALID;
    ua_ByteString leaf = {0, NULL};
    ua_status rc = ua_cert_parse(cert->data, cert->length, &leaf, NULL, NULL);
    if (rc != UA_STATUS_GOOD)
        return rc;
    char thumb[UA_CERT_THUMBPRINT_HEX];
    rc = ua_cert_thumbprint_hex(&leaf, thumb);
    if (rc == UA_STATUS_GOOD) {
        pthread_mutex_lock(&s->lock);
        rc = write_cert(s, TRUSTED_CERTS, thumb, &leaf);
        if (rc == UA_STATUS_GOOD)
            remove_all(s, REJECTED_CERTS, thumb);
        pthread_mutex_unlock(&s->lock);
    }
    if (rc == UA_STATUS_GOOD) {
        log_info("Trust store %s: certificate %s trusted", s->root, thumb);
        if (thumbprint)
            memcpy(thumbprint, thumb, sizeof(thumb));
    }
    ua_clear(&leaf, BYTESTRING);
    return rc;
}

ua_status ua_trust_remove(ua_trust_store *s, const char *thumbprint)
{
    char thumb[UA_CERT_THUMBPRINT_HEX];
    if (ua_cert_thumbprint_normalize(thumbprint, thumb) != UA_STATUS_GOOD)
        return UA_STATUS_BADINVALIDARGUMENT;
    pthread_mutex_lock(&s->lock);
    int n = remove_all(s, TRUSTED_CERTS, thumb);
    pthread_mutex_unlock(&s->lock);
    if (n < 0)
        return UA_STATUS_BADNOTWRITABLE;
    if (n == 0)
        return UA_STATUS_BADNOTFOUND;
    log_info("Trust store %s: certificate %s no longer trusted", s->root, thumb);
    return UA_STATUS_GOOD;
}

ua_status ua_trust_lookup(ua_trust_store *s, const char *thumbprint, bool *trusted, bool *rejected)
{
    char thumb[UA_CERT_THUMBPRINT_HEX];
    if (ua_cert_thumbprint_normalize(thumbprint, thumb) != UA_STATUS_GOOD)
        return UA_STATUS_BADINVALIDARGUMENT;
    pthread_mutex_lock(&s->lock);
    if (trusted)
        *trusted = contains(s, TRUSTED_CERTS, thumb);
    if (rejected)
        *rejected = contains(s, REJECTED_CERTS, thumb);
    pthread_mutex_unlock(&s->lock);
    return UA_STATUS_GOOD;
}

typedef struct list_ctx {
    ua_trust_entry *items;
    size_t count;
    size_t cap;
    ua_status rc;
} list_ctx;

static int list_file(void *arg, const char *path, const ua_ByteString *data)
{
    list_ctx *l = arg;
    ua_ByteString leaf = {0, NULL};
    if (ua_cert_parse(data->data, data->length, &leaf, NULL, NULL) != UA_STATUS_GOOD)
        return 0;
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        ua_trust_entry *grown = realloc(l->items, cap * sizeof(*grown));
        if (!grown) {
            ua_clear(&leaf, BYTESTRING);
            l->rc = UA_STATUS_BADOUTOFMEMORY;
            return 1;
        }
        l->items = grown;
        l->cap = cap;
    }
    ua_trust_entry *e = &l->items[l->count];
    memset(e, 0, sizeof(*e));
    ua_status rc = ua_cert_info_get(&leaf, &e->info);
    ua_clear(&leaf, BYTESTRING);
    e->path = rc == UA_STATUS_GOOD ? strdup(path) : NULL;
    if (!e->path) {
        ua_cert_info_clear(&e->info);
        if (rc != UA_STATUS_BADCERTIFICATEINVALID) {
            l->rc = UA_STATUS_BADOUTOFMEMORY;
            return 1;
        }
        return 0;
    }
    l->count++;
    return 0;
}

static int by_thumbprint(const void *a, const void *b)
{
    const ua_trust_entry *x = a, *y = b;
    int c = strcmp(x->info.thumbprint, y->info.thumbprint);
    return c ? c : strcmp(x->path, y->path);
}

static ua_status list_dir(ua_trust_store *s, const char *sub, ua_trust_entry **items, size_t *count)
{
    list_ctx l = {NULL, 0, 0, UA_STATUS_GOOD};
    scan_dir(s, sub, list_file, &l);
    if (l.count > 1)
        qsort(l.items, l.count, sizeof(*l.items), by_thumbprint);
    *items = l.items;
    *count = l.count;
    return l.rc;
}

ua_status ua_trust_list_get(ua_trust_store *s, ua_trust_list *out)
{
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&s->lock);
    ua_status rc = list_dir(s, TRUSTED_CERTS, &out->trusted, &out->trusted_count);
    if (rc == UA_STATUS_GOOD)
        rc = list_dir(s, REJECTED_CERTS, &out->rejected, &out->rejected_count);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static void entries_free(ua_trust_entry *items, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        ua_cert_info_clear(&items[i].info);
        free(items[i].path);
    }
    free(items);
}

void ua_trust_list_clear(ua_trust_list *list)
{
    entries_free(list->trusted, list->trusted_count);
    entries_free(list->rejected, list->rejected_count);
    memset(list, 0, sizeof(*list));
}

ua_status ua_trust_host_of(const char *url_or_host, char *out, size_t size)
{
    if (size)
        out[0] = 0;
    if (!url_or_host)
        return UA_STATUS_BADINVALIDARGUMENT;
    const char *p = url_or_host;
    const char *scheme = strstr(p, "://");
    if (scheme)
        p = scheme + 3;
    const char *at = strchr(p, '@'); /* user info, if any, before the host */
    if (at && (!strchr(p, '/') || at < strchr(p, '/')))
        p = at + 1;
    const char *end;
    if (*p == '[') {
        p++;
        end = strchr(p, ']');
        if (!end)
            return UA_STATUS_BADINVALIDARGUMENT;
    } else if (!scheme && strchr(p, ':') != strrchr(p, ':')) {
        end = p + strlen(p); /* a bare IPv6 literal */
    } else {
        end = p + strcspn(p, ":/?#");
    }
    size_t n = (size_t)(end - p);
    if (n == 0 || n >= size)
        return UA_STATUS_BADINVALIDARGUMENT;
    memcpy(out, p, n);
    out[n] = 0;
    return UA_STATUS_GOOD;
}

/* ---- validation ------------------------------------------------------------- */

/* The certificate under test, parsed once. */
typedef struct subject {
    ua_ByteString leaf;    /* DER of the leaf */
    X509 *x;               /* the leaf */
    STACK_OF(X509) * sent; /* the rest of the chain the server sent */
    ua_cert_info info;
    char colon[60]; /* thumbprint as AB:CD:... for people */
} subject;

static void subject_clear(subject *c)
{
    ua_clear(&c->leaf, BYTESTRING);
    X509_free(c->x);
    sk_X509_pop_free(c->sent, X509_free);
    ua_cert_info_clear(&c->info);
    memset(c, 0, sizeof(*c));
}

/* Calls fn on every certificate of a DER chain. */
static int each_der(const ua_ByteString *chain, int (*fn)(void *, X509 *), void *ctx)
{
    const unsigned char *p = chain->data;
    const unsigned char *end = chain->data + chain->length;
    while (p < end) {
        X509 *x = d2i_X509(NULL, &p, (long)(end - p));
        if (!x) {
            ERR_clear_error();
            return -1;
        }
        int r = fn(ctx, x);
        X509_free(x);
        if (r != 0)
            return r;
    }
    return 0;
}

static int push_sent(void *arg, X509 *x)
{
    subject *c = arg;
    if (!c->x)
        return X509_up_ref(x) == 1 && (c->x = x) ? 0 : -1;
    if (X509_up_ref(x) != 1)
        return -1;
    if (sk_X509_push(c->sent, x) <= 0) {
        X509_free(x);
        return -1;
    }
    return 0;
}

static ua_status subject_parse(const ua_ByteString *cert, subject *c)
{
    memset(c, 0, sizeof(*c));
    ua_ByteString chain = {0, NULL};
    ua_status rc = cert && cert->data
                       ? ua_cert_parse(cert->data, cert->length, &c->leaf, &chain, NULL)
                       : UA_STATUS_BADCERTIFICATEINVALID;
    if (rc == UA_STATUS_GOOD)
        rc = ua_cert_info_get(&c->leaf, &c->info);
    if (rc == UA_STATUS_GOOD) {
        c->sent = sk_X509_new_null();
        if (!c->sent || each_der(&chain, push_sent, c) != 0 || !c->x)
            rc = UA_STATUS_BADCERTIFICATEINVALID;
    }
    ua_clear(&chain, BYTESTRING);
    if (rc == UA_STATUS_GOOD) {
        char *o = c->colon;
        for (int i = 0; i < 20; i++) {
            if (i)
                *o++ = ':';
            *o++ = c->info.thumbprint[2 * i];
            *o++ = c->info.thumbprint[2 * i + 1];
        }
        *o = 0;
    }
    return rc;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static ua_status
say(ua_trust_result *r, ua_status status, const char *fmt, ...)
{
    r->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
    /* Names and URIs come from the peer's certificate: no control
     * characters into one-line logs. */
    for (char *p = r->message; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return status;
}

static ua_status say_untrusted(const ua_trust_store *s, const subject *c, ua_trust_result *r,
                               const char *why)
{
    return say(r, UA_STATUS_BADCERTIFICATEUNTRUSTED,
               "server certificate SHA1 %s (%s) is not trusted%s; trust it with the query method "
               "trustCertificate or copy %s/" REJECTED_CERTS "/%s.der to %s/" TRUSTED_CERTS "/",
               c->colon, c->info.subject, why, s->root, c->info.thumbprint, s->root);
}

static ua_status check_time(const subject *c, ua_trust_result *r)
{
    ua_DateTime now = ua_datetime_now();
    if (now >= c->info.not_before && now <= c->info.not_after)
        return UA_STATUS_GOOD;
    char from[48] = "?", to[48] = "?";
    ua_datetime_print_iso(c->info.not_before, 0, from, sizeof(from));
    ua_datetime_print_iso(c->info.not_after, 0, to, sizeof(to));
    return say(r, UA_STATUS_BADCERTIFICATETIMEINVALID,
               "server certificate SHA1 %s (%s) is %s: valid from %s to %s; renew the server "
               "certificate or check the clock",
               c->colon, c->info.subject, now < c->info.not_before ? "not yet valid" : "expired",
               from, to);
}

static ua_status check_fingerprint(const ua_trust_store *s, const subject *c,
                                   const ua_trust_check *chk, bool assume_trusted,
                                   ua_trust_result *r)
{
    if (chk->policy == UA_TRUST_FINGERPRINT_EXPIRY && check_time(c, r) != UA_STATUS_GOOD)
        return r->status;
    if (!assume_trusted && !contains(s, TRUSTED_CERTS, c->info.thumbprint))
        return say_untrusted(s, c, r, "");
    return UA_STATUS_GOOD;
}

/* What the full check loads from the store: trusted/ certificates are
 * the anchors, issuers/ ones (with those the server sent) only material
 * to build the chain from, so an issuers/ CA never ends a chain as trust. */
typedef struct anchors {
    X509_STORE *store;     /* trusted/ certificates, all CRLs */
    STACK_OF(X509) * pool; /* sent chain + issuers/ certificates */
    bool to_pool;          /* where load_certs puts what it reads */
    const X509_NAME *leaf_issuer;
    bool crl_for_leaf; /* a CRL of the leaf's issuer exists */
    bool oom;
} anchors;

static int add_anchor(void *arg, X509 *x)
{
    anchors *a = arg;
    if (!a->to_pool) {
        if (X509_STORE_add_cert(a->store, x) != 1)
            ERR_clear_error(); /* already there */
        return 0;
    }
    if (X509_up_ref(x) != 1) {
        a->oom = true;
    } else if (sk_X509_push(a->pool, x) <= 0) {
        X509_free(x);
        a->oom = true;
    }
    return 0;
}

static int load_certs(void *arg, const char *path, const ua_ByteString *data)
{
    ua_ByteString leaf = {0, NULL}, chain = {0, NULL};
    if (ua_cert_parse(data->data, data->length, &leaf, &chain, NULL) == UA_STATUS_GOOD)
        each_der(&chain, add_anchor, arg);
    ua_clear(&leaf, BYTESTRING);
    ua_clear(&chain, BYTESTRING);
    return 0;
}

static void add_crl(anchors *a, X509_CRL *crl)
{
    if (X509_STORE_add_crl(a->store, crl) != 1)
        ERR_clear_error();
    if (a->leaf_issuer && X509_NAME_cmp(X509_CRL_get_issuer(crl), a->leaf_issuer) == 0)
        a->crl_for_leaf = true;
    X509_CRL_free(crl);
}

static int load_crls(void *arg, const char *path, const ua_ByteString *data)
{
    anchors *a = arg;
    if (data->length == 0 || data->length > INT_MAX)
        return 0;
    BIO *bio = BIO_new_mem_buf(data->data, (int)data->length);
    if (!bio)
        return 0;
    X509_CRL *crl = d2i_X509_CRL_bio(bio, NULL);
    if (crl) {
        add_crl(a, crl);
    } else {
        (void)BIO_reset(bio);
        while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)))
            add_crl(a, crl);
    }
    ERR_clear_error();
    BIO_free(bio);
    return 0;
}

/* Maps an X509_verify_cert error at a depth to the Part 4 6.1.3 code. */
static ua_status map_verify_error(int err, int depth)
{
    bool leaf = depth == 0;
    switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
        return leaf ? UA_STATUS_BADCERTIFICATETIMEINVALID
                    : UA_STATUS_BADCERTIFICATEISSUERTIMEINVALID;
    case X509_V_ERR_CERT_REVOKED:
        return leaf ? UA_STATUS_BADCERTIFICATEREVOKED : UA_STATUS_BADCERTIFICATEISSUERREVOKED;
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
        return leaf ? UA_STATUS_BADCERTIFICATEREVOCATIONUNKNOWN
                    : UA_STATUS_BADCERTIFICATEISSUERREVOCATIONUNKNOWN;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
        return UA_STATUS_BADCERTIFICATEUNTRUSTED;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        return UA_STATUS_BADCERTIFICATECHAININCOMPLETE;
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_INVALID_PURPOSE:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
        return leaf ? UA_STATUS_BADCERTIFICATEUSENOTALLOWED
                    : UA_STATUS_BADCERTIFICATEISSUERUSENOTALLOWED;
    default:
        return UA_STATUS_BADCERTIFICATEINVALID;
    }
}

static ua_status verify_error(const ua_trust_store *s, const subject *c, int err, int depth,
                              ua_trust_result *r)
{
    ua_status st = map_verify_error(err, depth);
    const char *what = X509_verify_cert_error_string(err);
    if (st == UA_STATUS_BADCERTIFICATEUNTRUSTED)
        return say_untrusted(s, c, r, " (no trusted certificate in its chain)");
    if (st == UA_STATUS_BADCERTIFICATECHAININCOMPLETE)
        return say(r, st,
                   "server certificate SHA1 %s (%s): issuer certificate not found (%s); put the CA "
                   "certificate into %s/" ISSUERS_CERTS "/ or %s/" TRUSTED_CERTS "/",
                   c->colon, c->info.subject, what, s->root, s->root);
    if (st == UA_STATUS_BADCERTIFICATEREVOKED || st == UA_STATUS_BADCERTIFICATEISSUERREVOKED)
        return say(r, st,
                   "server certificate SHA1 %s (%s): %s at chain depth %d, per a CRL in "
                   "%s/" TRUSTED_CRL " or %s/" ISSUERS_CRL,
                   c->colon, c->info.subject, what, depth, s->root, s->root);
    return say(r, st, "server certificate SHA1 %s (%s) failed verification at chain depth %d: %s",
               c->colon, c->info.subject, depth, what);
}

/* The chain check of the full policy: X509_verify_cert with trusted/ as
 * the anchors (PARTIAL_CHAIN, so a trusted leaf or intermediate is an
 * anchor too), building through the sent chain and issuers/. */
static ua_status check_chain(const ua_trust_store *s, const subject *c, bool assume_trusted,
                             ua_trust_result *r)
{
    anchors a = {0};
    a.store = X509_STORE_new();
    a.pool = sk_X509_new_null();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    ua_status rc = UA_STATUS_BADOUTOFMEMORY;
    if (!a.store || !a.pool || !ctx)
        goto out;
    a.leaf_issuer = X509_get_issuer_name(c->x);
    scan_dir(s, TRUSTED_CERTS, load_certs, &a);
    if (assume_trusted)
        add_anchor(&a, c->x);
    a.to_pool = true;
    for (int i = 0; i < sk_X509_num(c->sent); i++)
        add_anchor(&a, sk_X509_value(c->sent, i));
    scan_dir(s, ISSUERS_CERTS, load_certs, &a);
    scan_dir(s, TRUSTED_CRL, load_crls, &a);
    scan_dir(s, ISSUERS_CRL, load_crls, &a);
    if (a.oom)
        goto out;
    rc = UA_STATUS_BADINTERNALERROR;
    if (X509_STORE_CTX_init(ctx, a.store, c->x, a.pool) != 1)
        goto out;
    unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;
    if (a.crl_for_leaf)
        flags |= X509_V_FLAG_CRL_CHECK;
    X509_STORE_CTX_set_flags(ctx, flags);
    if (X509_verify_cert(ctx) != 1)
        rc = verify_error(s, c, X509_STORE_CTX_get_error(ctx), X509_STORE_CTX_get_error_depth(ctx),
                          r);
    else
        rc = UA_STATUS_GOOD;
out:
    ERR_clear_error();
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(a.store);
    sk_X509_pop_free(a.pool, X509_free);
    return rc == UA_STATUS_BADOUTOFMEMORY || rc == UA_STATUS_BADINTERNALERROR
               ? say(r, rc, "server certificate check could not run (%s)", ua_status_name(rc))
               : rc;
}

/* Part 4 6.1.3: the key usage must allow what the channel does with it. */
static ua_status check_usage(const subject *c, ua_trust_result *r)
{
    uint32_t ku = X509_get_key_usage(c->x);
    if (ku == UINT32_MAX)
        return UA_STATUS_GOOD; /* no keyUsage extension: unrestricted */
    EVP_PKEY *pub = X509_get0_pubkey(c->x);
    bool ec = pub && EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC;
    uint32_t need = KU_DIGITAL_SIGNATURE | (ec ? KU_KEY_AGREEMENT : KU_KEY_ENCIPHERMENT);
    if ((ku & need) == need)
        return UA_STATUS_GOOD;
    return say(r, UA_STATUS_BADCERTIFICATEUSENOTALLOWED,
               "server certificate SHA1 %s (%s): keyUsage lacks digitalSignature or %s; the server "
               "needs a certificate issued for OPC UA",
               c->colon, c->info.subject, ec ? "keyAgreement" : "keyEncipherment");
}

static ua_status check_host(const subject *c, const char *host_or_url, ua_trust_result *r)
{
    char host[256];
    if (!host_or_url || !host_or_url[0])
        return UA_STATUS_GOOD;
    if (ua_trust_host_of(host_or_url, host, sizeof(host)) != UA_STATUS_GOOD)
        return say(r, UA_STATUS_BADCERTIFICATEHOSTNAMEINVALID,
                   "cannot take a host name out of the endpoint URL");
    int m = X509_check_ip_asc(c->x, host, 0);
    if (m < 0) /* not an IP literal: a DNS name */
        m = X509_check_host(c->x, host, strlen(host), X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL);
    ERR_clear_error();
    if (m == 1)
        return UA_STATUS_GOOD;
    return say(r, UA_STATUS_BADCERTIFICATEHOSTNAMEINVALID,
               "server certificate SHA1 %s (%s) does not name host '%s' in subjectAltName; "
               "connect with a host name the certificate lists or have it reissued",
               c->colon, c->info.subject, host);
}

static ua_status check_uri(const subject *c, const char *expected, ua_trust_result *r)
{
    if (!expected)
        return UA_STATUS_GOOD;
    const char *have = c->info.application_uri;
    if (have && strcmp(have, expected) == 0)
        return UA_STATUS_GOOD;
    return say(r, UA_STATUS_BADCERTIFICATEURIINVALID,
               "server certificate SHA1 %s (%s) has ApplicationUri '%s' but the endpoint "
               "announces '%s'",
               c->colon, c->info.subject, have ? have : "(none)", expected);
}

static ua_status run_checks(const ua_trust_store *s, const subject *c, const ua_trust_check *chk,
                            bool assume_trusted, ua_trust_result *r)
{
    r->status = UA_STATUS_GOOD;
    r->message[0] = 0;
    if (chk->policy != UA_TRUST_FULL)
        return check_fingerprint(s, c, chk, assume_trusted, r);
    if (check_chain(s, c, assume_trusted, r) != UA_STATUS_GOOD ||
        check_usage(c, r) != UA_STATUS_GOOD || check_host(c, chk->host, r) != UA_STATUS_GOOD ||
        check_uri(c, chk->application_uri, r) != UA_STATUS_GOOD)
        return r->status;
    return UA_STATUS_GOOD;
}

static bool fixable_by_trust(ua_status st)
{
    return st == UA_STATUS_BADCERTIFICATEUNTRUSTED || st == UA_STATUS_BADCERTIFICATECHAININCOMPLETE;
}

/* Trust on first use: accept an unknown certificate when every other check
 * passes; one already in rejected/ only when forced. */
static void try_auto_accept(const ua_trust_store *s, const subject *c, const ua_trust_check *chk,
                            ua_trust_result *r)
{
    if (!chk->auto_accept || !fixable_by_trust(r->status))
        return;
    if (contains(s, REJECTED_CERTS, c->info.thumbprint) && !chk->auto_accept_force) {
        size_t n = strlen(r->message);
        snprintf(r->message + n, sizeof(r->message) - n,
                 " (not auto-accepted: it is in %s/" REJECTED_CERTS "; autoAcceptForce overrides)",
                 s->root);
        return;
    }
    ua_trust_result again = {0};
    if (run_checks(s, c, chk, true, &again) != UA_STATUS_GOOD) {
        *r = again; /* fails for another reason too: report that one */
        memcpy(r->thumbprint, c->info.thumbprint, sizeof(r->thumbprint));
        return;
    }
    if (write_cert(s, TRUSTED_CERTS, c->info.thumbprint, &c->leaf) != UA_STATUS_GOOD) {
        say(r, UA_STATUS_BADCERTIFICATEUNTRUSTED,
            "server certificate SHA1 %s (%s) would be auto-accepted but %s/" TRUSTED_CERTS
            " is not writable",
            c->colon, c->info.subject, s->root);
        return;
    }
    remove_all(s, REJECTED_CERTS, c->info.thumbprint);
    r->auto_accepted = true;
    say(r, UA_STATUS_GOOD, "server certificate SHA1 %s (%s) auto-accepted into %s/" TRUSTED_CERTS,
        c->colon, c->info.subject, s->root);
}

ua_status ua_trust_validate(ua_trust_store *s, const ua_trust_check *check,
                            const ua_ByteString *cert, ua_trust_result *result)
{
    memset(result, 0, sizeof(*result));
    subject c;
    if (subject_parse(cert, &c) != UA_STATUS_GOOD) {
        subject_clear(&c);
        say(result, UA_STATUS_BADCERTIFICATEINVALID,
            "the server certificate is not a valid X.509 certificate");
        log_warning("Trust store %s: rejected server certificate: %s", s->root, result->message);
        return result->status;
    }
    memcpy(result->thumbprint, c.info.thumbprint, sizeof(result->thumbprint));
    pthread_mutex_lock(&s->lock);
    run_checks(s, &c, check, false, result);
    try_auto_accept(s, &c, check, result);
    if (fixable_by_trust(result->status) && !contains(s, REJECTED_CERTS, c.info.thumbprint))
        result->rejected_copy =
            write_cert(s, REJECTED_CERTS, c.info.thumbprint, &c.leaf) == UA_STATUS_GOOD;
    pthread_mutex_unlock(&s->lock);

    if (result->status == UA_STATUS_GOOD && result->auto_accepted)
        log_info("Trust store %s: %s", s->root, result->message);
    else if (result->status == UA_STATUS_GOOD)
        log_info("Trust store %s: server certificate %s accepted (%s)", s->root, c.colon,
                 ua_trust_policy_name(check->policy));
    else
        log_warning("Trust store %s: rejected (%s): %s", s->root, ua_status_name(result->status),
                    result->message);
    subject_clear(&c);
    return result->status;
}
