/* Result cache of the daemon (see daemon_cache.h). Keys:
 * "<sha256(endpoint) first 16 hex>\x1f<method>\x1f<node JSON>\x1f<rest>". */
#include "daemon_cache.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SEP '\x1f'

typedef struct entry {
    struct entry *next, *prev; /* oldest first */
    char *key;
    json_t *value;
    double expires;
} entry;

struct dcache {
    enum daemon_cache_driver driver;
    char *dir;
    double ttl;
    entry *head, *tail;
    size_t count;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sha256_hex(const char *s, size_t n, char out[65])
{
    unsigned char md[32];
    unsigned int len = 0;
    if (!EVP_Digest(s, n, md, &len, EVP_sha256(), NULL) || len != 32) {
        memset(out, '0', 64);
        out[64] = 0;
        return;
    }
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

dcache *dcache_new(enum daemon_cache_driver driver, const char *path, double ttl_s, char *err,
                   size_t errlen, int *failed)
{
    *failed = 0;
    if (driver == DAEMON_CACHE_NONE)
        return NULL;
    dcache *c = calloc(1, sizeof(*c));
    if (!c) {
        *failed = 1;
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->driver = driver;
    c->ttl = ttl_s;
    if (driver == DAEMON_CACHE_FILE) {
        struct stat st;
        if (stat(path, &st) != 0 && mkdir(path, 0700) != 0) {
            snprintf(err, errlen, "Cannot create cache directory %s: %s", path, strerror(errno));
            free(c);
            *failed = 1;
            return NULL;
        }
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "Cache path is not a directory: %s", path);
            free(c);
            *failed = 1;
            return NULL;
        }
        c->dir = strdup(path);
    }
    return c;
}

static void drop(dcache *c, entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    c->count--;
    free(e->key);
    json_decref(e->value);
    free(e);
}

void dcache_flush(dcache *c)
{
    if (!c)
        return;
    while (c->head)
        drop(c, c->head);
    if (c->driver != DAEMON_CACHE_FILE)
        return;
    DIR *d = opendir(c->dir);
    if (!d)
        return;
    struct dirent *de;
    char path[4096];
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n == 69 && strcmp(de->d_name + 64, ".json") == 0) {
            snprintf(path, sizeof(path), "%s/%s", c->dir, de->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

void dcache_free(dcache *c)
{
    if (!c)
        return;
    while (c->head)
        drop(c, c->head);
    free(c->dir);
    free(c);
}

char *dcache_key(const char *endpoint_url, const char *method, const json_t *node,
                 const json_t *rest)
{
    char url_hash[65];
    sha256_hex(endpoint_url, strlen(endpoint_url), url_hash);
    char *n = node ? json_dumps(node, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
    char *r = rest ? json_dumps(rest, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
    size_t len = 16 + strlen(method) + (n ? strlen(n) : 0) + (r ? strlen(r) : 0) + 8;
    char *key = malloc(len);
    if (key)
        snprintf(key, len, "%.16s%c%s%c%s%c%s", url_hash, SEP, method, SEP, n ? n : "", SEP,
                 r ? r : "");
    free(n);
    free(r);
    return key;
}

static void file_path(const dcache *c, const char *key, char *path, size_t size)
{
    char h[65];
    sha256_hex(key, strlen(key), h);
    snprintf(path, size, "%s/%s.json", c->dir, h);
}

json_t *dcache_get(dcache *c, const char *key)
{
    if (!c || !key)
        return NULL;
    double now = now_s();
    if (c->driver == DAEMON_CACHE_MEMORY) {
        for (entry *e = c->head; e; e = e->next) {
            if (strcmp(e->key, key) != 0)
                continue;
            if (e->expires < now) {
                drop(c, e);
                return NULL;
            }
            return json_incref(e->value);
        }
        return NULL;
    }
    char path[4096];
    file_path(c, key, path, sizeof(path));
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    /* Line 1: expiry; line 2: the key (hash collisions and stale files are
     * rejected); then the JSON value. */
    double expires = 0;
    char *line = NULL;
    size_t cap = 0;
    json_t *v = NULL;
    if (fscanf(f, "%lf\n", &expires) == 1 && expires >= now && getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = 0;
        if (strcmp(line, key) == 0) {
            json_error_t e;
            v = json_loadf(f, JSON_DECODE_ANY, &e);
        }
    }
    free(line);
    fclose(f);
    if (!v && expires < now)
        unlink(path);
    return v;
}

void dcache_put(dcache *c, const char *key, const json_t *value)
{
    if (!c || !key || !value || c->ttl <= 0)
        return;
    double expires = now_s() + c->ttl;
    if (c->driver == DAEMON_CACHE_MEMORY) {
        for (entry *e = c->head; e; e = e->next) {
            if (strcmp(e->key, key) == 0) {
                drop(c, e);
                break;
            }
        }
        if (c->count >= DCACHE_MAX_ENTRIES)
            drop(c, c->head);
        entry *e = calloc(1, sizeof(*e));
        if (!e || !(e->key = strdup(key))) {
            free(e);
            return;
        }
        e->value = json_deep_copy(value);
        e->expires = expires;
        e->prev = c->tail;
        if (c->tail)
            c->tail->next = e;
        else
            c->head = e;
        c->tail = e;
        c->count++;
        return;
    }
    if (strchr(key, '\n'))
        return;
    char path[4096], tmp[4200];
    file_path(c, key, path, sizeof(path));
    snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    int ok = fprintf(f, "%.3f\n%s\n", expires, key) > 0 &&
             json_dumpf(value, f, JSON_COMPACT | JSON_ENCODE_ANY) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0)
        unlink(tmp);
}

typedef bool (*key_match)(const char *key, const void *arg);

/* Drops every entry, in memory and in the file driver's directory, whose
 * key matches; returns how many went. */
static size_t drop_where(dcache *c, key_match match, const void *arg)
{
    size_t dropped = 0;
    for (entry *e = c->head; e;) {
        entry *next = e->next;
        if (match(e->key, arg)) {
            drop(c, e);
            dropped++;
        }
        e = next;
    }
    if (c->driver != DAEMON_CACHE_FILE)
        return dropped;
    DIR *d = opendir(c->dir);
    struct dirent *de;
    char path[4096];
    while (d && (de = readdir(d))) {
        if (strlen(de->d_name) != 69 || strcmp(de->d_name + 64, ".json") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", c->dir, de->d_name);
        FILE *f = fopen(path, "r");
        char *line = NULL;
        size_t cap = 0;
        double expires;
        bool hit = f && fscanf(f, "%lf\n", &expires) == 1 && getline(&line, &cap, f) > 0 &&
                   match(line, arg);
        free(line);
        if (f)
            fclose(f);
        if (hit && unlink(path) == 0)
            dropped++;
    }
    if (d)
        closedir(d);
    return dropped;
}

/* The node (JSON text) is the third field of every key. */
static bool key_has_node(const char *key, const void *arg)
{
    const char *n = arg;
    size_t nlen = strlen(n);
    const char *f = strchr(key, SEP);
    f = f ? strchr(f + 1, SEP) : NULL;
    return f && strncmp(f + 1, n, nlen) == 0 && f[1 + nlen] == SEP;
}

void dcache_invalidate_node(dcache *c, const json_t *node)
{
    if (!c || !node)
        return;
    char *n = json_dumps(node, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (!n)
        return;
    drop_where(c, key_has_node, n);
    free(n);
}

/* Keys start with 16 hex digits of the endpoint's hash and SEP. */
static bool key_has_endpoint(const char *key, const void *arg)
{
    return strncmp(key, arg, 17) == 0;
}

size_t dcache_drop_endpoint(dcache *c, const char *endpoint_url)
{
    if (!c || !endpoint_url)
        return 0;
    char h[65];
    sha256_hex(endpoint_url, strlen(endpoint_url), h);
    h[16] = SEP;
    return drop_where(c, key_has_endpoint, h);
}
