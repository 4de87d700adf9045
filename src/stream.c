/*
** stream.c - keys and seeds of the keyed random streams: FNV-1a over the
** names, then splitmix64 steps, each a bijection of 64-bit words.
*/
#include "chainsim/stream.h"

#include <stdint.h>

#define FNV_PRIME 0x100000001b3ull
#define GOLDEN 0x9e3779b97f4a7c15ull

/* The splitmix64 finalizer: a bijection of 64-bit words that spreads
** every input bit over the whole output. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t cs_stream_hash(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        h ^= *p;
        h *= FNV_PRIME;
    }
    return h;
}

/* The mix between two names keeps ("ab", "c") and ("a", "bc") apart. */
uint64_t cs_stream_key(uint64_t key, const char *name)
{
    return mix64(cs_stream_hash(key != 0 ? key : CS_STREAM_FNV_OFFSET, name));
}

/*
** Each step is a bijection of the running word, so two streams differing
** in one of master, replication or key never share the 64-bit state.
** The result is folded to 32 bits because gsl_rng_set for mt19937 and
** taus2 reads only the low 32 bits of a seed: folding keeps the high
** bits' entropy.  0 is avoided since GSL replaces a zero seed with the
** generator's default seed, which would alias another stream.
*/
unsigned long cs_stream_seed(uint64_t master, uint64_t replication,
                             uint64_t key)
{
    uint64_t x = mix64(master + GOLDEN);
    uint64_t folded;

    x = mix64(x ^ (replication + GOLDEN));
    x = mix64(x ^ key);
    folded = (x ^ (x >> 32)) & 0xffffffffull;
    return folded != 0 ? (unsigned long)folded : 0x7f4a7c15ul;
}
