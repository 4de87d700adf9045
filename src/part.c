/*
** part.c - the part file format (part.h, docs/output.md).
**
**     chainsim part 1\n            the format
**     KEY VALUE\n ...              the run (caller's keys, in order)
**     shard K N\n                  K-th of N
**     tuples T\n                   (point, variant, replication) in all
**     range LO HI\n                the tuples [LO, HI) it holds
**     end\n
**     blocks: "BLK1" u64 job, u32 first, u32 count, u64 length, the store
**     "END1" u64 FNV-1a of every byte before it
**
** Binary values are little-endian (bytes.h).  The reader checks every
** length against what is left before it trusts it, so no input makes it
** read out of bounds or allocate more than the input's size.
*/
#include "chainsim/part.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainsim/bytes.h"

#define BLOCK_MAGIC 0x314b4c42u    /* "BLK1" */
#define END_MAGIC 0x31444e45u      /* "END1" */

static const char first_line[] = "chainsim part ";

static int key_ok(const char *k)
{
    if (*k == '\0')
        return 0;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') ||
              *k == '-'))
            return 0;
    return 1;
}

static int value_ok(const char *v)
{
    for (; *v; v++)
        if ((unsigned char)*v < 0x20 || *v == 0x7f)
            return 0;
    return 1;
}

static void put_line(cs_bytes *b, const char *key, const char *value)
{
    cs_bytes_put(b, key, strlen(key));
    cs_bytes_put(b, " ", 1);
    cs_bytes_put(b, value, strlen(value));
    cs_bytes_put(b, "\n", 1);
}

int cs_part_begin(cs_bytes *b, const char *const *keys,
                  const char *const *values, size_t nkeys,
                  unsigned long shard_k, unsigned long shard_n,
                  uint64_t tuples, uint64_t lo, uint64_t hi)
{
    char buf[96];

    b->n = 0;
    if (nkeys > CS_PART_MAX_KEYS - 4)
        return -1;
    snprintf(buf, sizeof buf, "%s%d\n", first_line, CS_PART_FORMAT);
    cs_bytes_put(b, buf, strlen(buf));
    for (size_t i = 0; i < nkeys; i++) {
        if (!key_ok(keys[i]) || !value_ok(values[i]) ||
            strcmp(keys[i], "end") == 0 || strcmp(keys[i], "shard") == 0 ||
            strcmp(keys[i], "range") == 0 || strcmp(keys[i], "tuples") == 0)
            return -1;
        put_line(b, keys[i], values[i]);
    }
    snprintf(buf, sizeof buf, "%lu %lu", shard_k, shard_n);
    put_line(b, "shard", buf);
    snprintf(buf, sizeof buf, "%" PRIu64, tuples);
    put_line(b, "tuples", buf);
    snprintf(buf, sizeof buf, "%" PRIu64 " %" PRIu64, lo, hi);
    put_line(b, "range", buf);
    cs_bytes_put(b, "end\n", 4);
    return b->n > CS_PART_MAX_HEADER ? -1 : 0;
}

void cs_part_add(cs_bytes *b, uint64_t job, uint32_t first, uint32_t count,
                 const cs_runner_store *s)
{
    size_t at, len;

    cs_bytes_put_u32(b, BLOCK_MAGIC);
    cs_bytes_put_u64(b, job);
    cs_bytes_put_u32(b, first);
    cs_bytes_put_u32(b, count);
    at = b->n;
    cs_bytes_put_u64(b, 0);          /* the length, once known */
    cs_runner_store_pack(s, b);
    if (b->oom)
        return;
    len = b->n - at - 8;
    for (int i = 0; i < 8; i++)
        b->p[at + (size_t)i] = (unsigned char)((uint64_t)len >> (8 * i));
}

void cs_part_end(cs_bytes *b)
{
    uint64_t h;

    cs_bytes_put_u32(b, END_MAGIC);
    if (b->oom)
        return;
    h = cs_bytes_fnv(CS_BYTES_FNV_OFFSET, b->p, b->n);
    cs_bytes_put_u64(b, h);
}

void cs_part_free(cs_part *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->nkeys; i++) {
        free(p->keys[i]);
        free(p->values[i]);
    }
    free(p->blocks);
    free(p->buf);
    free(p);
}

const char *cs_part_get(const cs_part *p, const char *key)
{
    for (size_t i = 0; i < p->nkeys; i++)
        if (strcmp(p->keys[i], key) == 0)
            return p->values[i];
    return NULL;
}

#define BAD(...) cs_error_set(err, CS_EINPUT, NULL, 0, 0, __VA_ARGS__)

/* Parses the digits of s as a number up to most; 0 or -1. */
static int parse_u64(const char *s, char **end, uint64_t most, uint64_t *v)
{
    unsigned long long x;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    x = strtoull(s, end, 10);
    if (errno != 0 || x > most)
        return -1;
    *v = (uint64_t)x;
    return 0;
}

/* The shard, tuples and range lines, checked against each other. */
static cs_status header_numbers(cs_part *p, cs_error *err)
{
    const char *sh = cs_part_get(p, "shard"), *tu = cs_part_get(p, "tuples");
    const char *ra = cs_part_get(p, "range");
    uint64_t k, n;
    char *end;

    if (sh == NULL || tu == NULL || ra == NULL)
        return BAD("its header has no %s line",
                   sh == NULL ? "shard" : tu == NULL ? "tuples" : "range");
    if (parse_u64(sh, &end, 1000000000, &k) != 0 || *end != ' ' ||
        parse_u64(end + 1, &end, 1000000000, &n) != 0 || *end != '\0' ||
        k < 1 || k > n)
        return BAD("its header's shard line '%s' is not 'K N' with "
                   "1 <= K <= N", sh);
    p->shard_k = (unsigned long)k;
    p->shard_n = (unsigned long)n;
    if (parse_u64(tu, &end, UINT64_MAX, &p->tuples) != 0 || *end != '\0')
        return BAD("its header's tuples line '%s' is not a number", tu);
    if (parse_u64(ra, &end, UINT64_MAX, &p->lo) != 0 || *end != ' ' ||
        parse_u64(end + 1, &end, UINT64_MAX, &p->hi) != 0 || *end != '\0' ||
        p->lo > p->hi || p->hi > p->tuples)
        return BAD("its header's range line '%s' is not 'LO HI' within "
                   "the tuples", ra);
    return CS_OK;
}

/* The header from p->buf; *at is where the blocks start. */
static cs_status parse_header(cs_part *p, size_t *at, cs_error *err)
{
    const char *s = (const char *)p->buf;
    const size_t most = p->len < CS_PART_MAX_HEADER ? p->len
                                                    : CS_PART_MAX_HEADER;
    size_t i = 0;
    int format;
    char buf[64];

    if (p->len < sizeof first_line - 1 ||
        memcmp(s, first_line, sizeof first_line - 1) != 0)
        return BAD("not a chainsim part file");
    i = sizeof first_line - 1;
    {
        size_t j = 0;
        while (i < most && j + 1 < sizeof buf && s[i] != '\n')
            buf[j++] = s[i++];
        buf[j] = '\0';
        if (i >= most || s[i] != '\n')
            return BAD("truncated (in its header)");
        i++;
        format = (int)strtol(buf, NULL, 10);
        if (strcmp(buf, "1") != 0)
            return BAD("part format %s (this chainsim reads format %d)",
                       format > 0 ? buf : "unknown", CS_PART_FORMAT);
    }
    for (;;) {
        const size_t start = i;
        const char *sp;
        size_t klen;
        while (i < most && s[i] != '\n')
            i++;
        if (i >= most)
            return BAD("truncated (in its header)");
        if (i - start == 3 && memcmp(s + start, "end", 3) == 0) {
            *at = i + 1;
            break;
        }
        sp = memchr(s + start, ' ', i - start);
        if (sp == NULL || p->nkeys >= CS_PART_MAX_KEYS)
            return BAD("its header line %zu is not 'KEY VALUE'",
                       p->nkeys + 2);
        klen = (size_t)(sp - (s + start));
        p->keys[p->nkeys] = malloc(klen + 1);
        p->values[p->nkeys] = malloc(i - start - klen);
        if (p->keys[p->nkeys] == NULL || p->values[p->nkeys] == NULL) {
            free(p->keys[p->nkeys]);
            free(p->values[p->nkeys]);
            return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
        }
        memcpy(p->keys[p->nkeys], s + start, klen);
        p->keys[p->nkeys][klen] = '\0';
        memcpy(p->values[p->nkeys], sp + 1, i - start - klen - 1);
        p->values[p->nkeys][i - start - klen - 1] = '\0';
        p->nkeys++;
        if (!key_ok(p->keys[p->nkeys - 1]) ||
            strlen(p->values[p->nkeys - 1]) != i - start - klen - 1 ||
            !value_ok(p->values[p->nkeys - 1]))
            return BAD("its header line %zu is not 'KEY VALUE'", p->nkeys + 1);
        for (size_t k = 0; k + 1 < p->nkeys; k++)
            if (strcmp(p->keys[k], p->keys[p->nkeys - 1]) == 0)
                return BAD("its header has two '%s' lines", p->keys[k]);
        i++;
    }
    return header_numbers(p, err);
}

/* The blocks from *at on, then the end mark and the checksum. */
static cs_status parse_blocks(cs_part *p, size_t at, int verify,
                              cs_error *err)
{
    cs_bytes_reader r;
    size_t cap = 0;

    cs_bytes_reader_init(&r, p->buf + at, p->len - at);
    for (;;) {
        const uint32_t magic = cs_bytes_get_u32(&r);
        cs_part_block b;
        uint64_t len;
        if (r.bad)
            return BAD("truncated (it ends without its checksum)");
        if (magic == END_MAGIC)
            break;
        if (magic != BLOCK_MAGIC)
            return BAD("corrupted (block %zu does not start as one)",
                       p->nblocks + 1);
        b.job = cs_bytes_get_u64(&r);
        b.first = cs_bytes_get_u32(&r);
        b.count = cs_bytes_get_u32(&r);
        len = cs_bytes_get_u64(&r);
        if (r.bad || len > cs_bytes_left(&r))
            return BAD("truncated (in block %zu)", p->nblocks + 1);
        b.len = (size_t)len;
        b.data = cs_bytes_get(&r, b.len);
        if (p->nblocks == cap) {
            const size_t ncap = cap > 0 ? 2 * cap : 8;
            cs_part_block *nb = realloc(p->blocks, ncap * sizeof *nb);
            if (nb == NULL)
                return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                                    "out of memory");
            p->blocks = nb;
            cap = ncap;
        }
        p->blocks[p->nblocks++] = b;
    }
    {
        const size_t end = at + r.at;
        const uint64_t sum = cs_bytes_get_u64(&r);
        if (r.bad)
            return BAD("truncated (in its checksum)");
        if (cs_bytes_left(&r) > 0)
            return BAD("corrupted (%zu bytes after its checksum)",
                       cs_bytes_left(&r));
        if (verify && sum != cs_bytes_fnv(CS_BYTES_FNV_OFFSET, p->buf, end))
            return BAD("corrupted (its checksum does not match)");
    }
    return CS_OK;
}

cs_status cs_part_parse(const void *data, size_t n, int verify,
                        cs_part **out, cs_error *err)
{
    cs_part *p = calloc(1, sizeof *p);
    size_t at = 0;
    cs_status st;

    *out = NULL;
    if (p == NULL || (p->buf = malloc(n + 1)) == NULL) {
        free(p);
        return cs_error_set(err, CS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (n > 0)
        memcpy(p->buf, data, n);
    p->len = n;
    if ((st = parse_header(p, &at, err)) == CS_OK)
        st = parse_blocks(p, at, verify, err);
    if (st != CS_OK) {
        cs_part_free(p);
        return st;
    }
    *out = p;
    return CS_OK;
}

cs_status cs_part_read_file(const char *path, cs_part **out, cs_error *err)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    cs_status st;

    *out = NULL;
    if (f == NULL)
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "cannot read '%s': %s",
                            path, strerror(errno));
    for (;;) {
        size_t got;
        if (n == cap) {
            unsigned char *nb;
            cap = cap > 0 ? 2 * cap : 65536;
            if ((nb = realloc(buf, cap)) == NULL) {
                free(buf);
                fclose(f);
                return cs_error_set(err, CS_ENOMEM, NULL, 0, 0,
                                    "out of memory reading '%s'", path);
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        const int e = errno;
        free(buf);
        fclose(f);
        return cs_error_set(err, CS_EIO, NULL, 0, 0, "cannot read '%s': %s",
                            path, strerror(e != 0 ? e : EIO));
    }
    fclose(f);
    st = cs_part_parse(buf, n, 1, out, err);
    free(buf);
    if (st != CS_OK)
        cs_error_prefix(err, path);
    return st;
}
