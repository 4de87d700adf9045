/*
** bytes.c - little-endian values in byte buffers (bytes.h).  Values are
** written byte by byte, so a file reads the same on any host.
*/
#include "chainsim/bytes.h"

#include <stdlib.h>
#include <string.h>

void cs_bytes_init(cs_bytes *b)
{
    memset(b, 0, sizeof *b);
}

void cs_bytes_fini(cs_bytes *b)
{
    free(b->p);
    cs_bytes_init(b);
}

void cs_bytes_put(cs_bytes *b, const void *p, size_t n)
{
    if (b->oom || n == 0)
        return;
    if (n > b->cap - b->n) {
        size_t cap = b->cap > 0 ? b->cap : 256;
        unsigned char *q;
        while (cap - b->n < n) {
            if (cap > SIZE_MAX / 2) {
                b->oom = 1;
                return;
            }
            cap *= 2;
        }
        if ((q = realloc(b->p, cap)) == NULL) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

void cs_bytes_put_u8(cs_bytes *b, unsigned v)
{
    const unsigned char c = (unsigned char)v;

    cs_bytes_put(b, &c, 1);
}

void cs_bytes_put_u32(cs_bytes *b, uint32_t v)
{
    unsigned char c[4];

    for (int i = 0; i < 4; i++)
        c[i] = (unsigned char)(v >> (8 * i));
    cs_bytes_put(b, c, sizeof c);
}

void cs_bytes_put_u64(cs_bytes *b, uint64_t v)
{
    unsigned char c[8];

    for (int i = 0; i < 8; i++)
        c[i] = (unsigned char)(v >> (8 * i));
    cs_bytes_put(b, c, sizeof c);
}

void cs_bytes_put_f64(cs_bytes *b, double v)
{
    uint64_t u;

    memcpy(&u, &v, sizeof u);
    cs_bytes_put_u64(b, u);
}

void cs_bytes_reader_init(cs_bytes_reader *r, const void *p, size_t n)
{
    r->p = p;
    r->n = n;
    r->at = 0;
    r->bad = 0;
}

size_t cs_bytes_left(const cs_bytes_reader *r)
{
    return r->bad ? 0 : r->n - r->at;
}

const unsigned char *cs_bytes_get(cs_bytes_reader *r, size_t n)
{
    const unsigned char *p;

    if (r->bad || n > r->n - r->at) {
        r->bad = 1;
        return NULL;
    }
    p = r->p + r->at;
    r->at += n;
    return p;
}

unsigned cs_bytes_get_u8(cs_bytes_reader *r)
{
    const unsigned char *p = cs_bytes_get(r, 1);

    return p != NULL ? p[0] : 0u;
}

uint32_t cs_bytes_get_u32(cs_bytes_reader *r)
{
    const unsigned char *p = cs_bytes_get(r, 4);
    uint32_t v = 0;

    for (int i = 0; p != NULL && i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

uint64_t cs_bytes_get_u64(cs_bytes_reader *r)
{
    const unsigned char *p = cs_bytes_get(r, 8);
    uint64_t v = 0;

    for (int i = 0; p != NULL && i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

double cs_bytes_get_f64(cs_bytes_reader *r)
{
    const uint64_t u = cs_bytes_get_u64(r);
    double v;

    memcpy(&v, &u, sizeof v);
    return v;
}

uint64_t cs_bytes_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;

    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ull;
    }
    return h;
}
