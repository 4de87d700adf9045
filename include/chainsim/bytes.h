/*
** bytes.h - little-endian fixed-width values in a byte buffer: a growing
** writer and a bounded reader, for the binary part of part files.
** Knows nothing of chainsim's records.
**
** The writer never fails half-way: once an allocation fails it stops
** writing and says so (cs_bytes.oom), so a caller checks once at the end.
** The reader never reads past its end: once a read would, it stops and
** says so (cs_bytes_reader.bad), and every later read gives 0.
*/
#ifndef CHAINSIM_BYTES_H
#define CHAINSIM_BYTES_H

#include <stddef.h>
#include <stdint.h>

typedef struct cs_bytes {
    unsigned char *p;          /* [n] written, room for cap; owned */
    size_t n, cap;
    int oom;                   /* 1 once an allocation failed */
} cs_bytes;

typedef struct cs_bytes_reader {
    const unsigned char *p;    /* borrowed */
    size_t n, at;              /* size, position */
    int bad;                   /* 1 once a read went past the end */
} cs_bytes_reader;

/* An empty buffer.  Cannot fail. */
void cs_bytes_init(cs_bytes *b);
/* Frees what b holds and empties it.  Cannot fail. */
void cs_bytes_fini(cs_bytes *b);

/* Appends n bytes, a 32- or 64-bit value, or a double's bits.  No effect
** once b->oom is set. */
void cs_bytes_put(cs_bytes *b, const void *p, size_t n);
void cs_bytes_put_u8(cs_bytes *b, unsigned v);
void cs_bytes_put_u32(cs_bytes *b, uint32_t v);
void cs_bytes_put_u64(cs_bytes *b, uint64_t v);
void cs_bytes_put_f64(cs_bytes *b, double v);

/* A reader of p[0..n) (borrowed).  Cannot fail. */
void cs_bytes_reader_init(cs_bytes_reader *r, const void *p, size_t n);
/* Bytes left to read. */
size_t cs_bytes_left(const cs_bytes_reader *r);
/* The next n bytes (NULL, and r->bad set, when fewer are left). */
const unsigned char *cs_bytes_get(cs_bytes_reader *r, size_t n);
unsigned cs_bytes_get_u8(cs_bytes_reader *r);
uint32_t cs_bytes_get_u32(cs_bytes_reader *r);
uint64_t cs_bytes_get_u64(cs_bytes_reader *r);
double cs_bytes_get_f64(cs_bytes_reader *r);

/* 64-bit FNV-1a of n bytes at p, from h (CS_BYTES_FNV_OFFSET to start).
** Cannot fail. */
#define CS_BYTES_FNV_OFFSET 0xcbf29ce484222325ull
uint64_t cs_bytes_fnv(uint64_t h, const void *p, size_t n);

#endif /* CHAINSIM_BYTES_H */
