/*
** mpi.c - MPI, or a single process without it (mpi.h).  The MPI calls
** are compiled only with -DCS_MPI (make MPI=1, mpicc); no state is kept
** here: MPI's own is asked every time.
*/
#include "chainsim/mpi.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef CS_MPI
#include <mpi.h>
#endif

#ifdef CS_MPI

int cs_mpi_built(void)
{
    return 1;
}

int cs_mpi_init(int *argc, char ***argv)
{
    int provided = 0;

    return MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) ==
                   MPI_SUCCESS
               ? 0 : -1;
}

static int started(void)
{
    int init = 0, fin = 0;

    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    return init && !fin;
}

void cs_mpi_finalize(void)
{
    if (started())
        MPI_Finalize();
}

int cs_mpi_rank(void)
{
    int r = 0;

    if (started())
        MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int cs_mpi_size(void)
{
    int n = 1;

    if (started())
        MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

void cs_mpi_abort(int code)
{
    if (started())
        MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

int cs_mpi_max(int v)
{
    int m = v;

    if (started())
        MPI_Allreduce(&v, &m, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return m;
}

int cs_mpi_bcast(int v)
{
    if (started())
        MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return v;
}

int cs_mpi_gather(const void *p, size_t n, unsigned char **all,
                  size_t **off, size_t **len)
{
    const int rank = cs_mpi_rank(), size = cs_mpi_size();
    unsigned long long mine = n, *sizes = NULL;
    int *counts = NULL, *displs = NULL, ok = 1;

    *all = NULL;
    *off = *len = NULL;
    if (rank == 0) {
        sizes = calloc((size_t)size, sizeof *sizes);
        counts = calloc((size_t)size, sizeof *counts);
        displs = calloc((size_t)size, sizeof *displs);
        ok = sizes != NULL && counts != NULL && displs != NULL;
        if (!ok)   /* not even the sizes can be received */
            MPI_Abort(MPI_COMM_WORLD, 3);
    }
    MPI_Gather(&mine, 1, MPI_UNSIGNED_LONG_LONG, sizes, 1,
               MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    if (rank == 0 && ok) {
        unsigned long long total = 0;
        for (int r = 0; r < size; r++) {
            total += sizes[r];
            if (total > INT_MAX) {
                ok = 0;
                break;
            }
            counts[r] = (int)sizes[r];
            displs[r] = (int)(total - sizes[r]);
        }
        *off = calloc((size_t)size, sizeof **off);
        *len = calloc((size_t)size, sizeof **len);
        *all = ok ? malloc((size_t)total + 1) : NULL;
        ok = ok && *all != NULL && *off != NULL && *len != NULL;
        for (int r = 0; ok && r < size; r++) {
            (*off)[r] = (size_t)displs[r];
            (*len)[r] = (size_t)counts[r];
        }
    }
    ok = cs_mpi_bcast(ok);
    if (ok && mine > INT_MAX)
        ok = 0;
    ok = cs_mpi_max(!ok) == 0;
    if (ok)
        MPI_Gatherv(p, (int)n, MPI_BYTE, *all, counts, displs, MPI_BYTE, 0,
                    MPI_COMM_WORLD);
    free(sizes);
    free(counts);
    free(displs);
    if (!ok) {
        free(*all);
        free(*off);
        free(*len);
        *all = NULL;
        *off = *len = NULL;
        return -1;
    }
    return 0;
}

#else /* one process */

int cs_mpi_built(void)
{
    return 0;
}

int cs_mpi_init(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return 0;
}

void cs_mpi_finalize(void)
{
}

int cs_mpi_rank(void)
{
    return 0;
}

int cs_mpi_size(void)
{
    return 1;
}

void cs_mpi_abort(int code)
{
    exit(code);
}

int cs_mpi_max(int v)
{
    return v;
}

int cs_mpi_bcast(int v)
{
    return v;
}

int cs_mpi_gather(const void *p, size_t n, unsigned char **all,
                  size_t **off, size_t **len)
{
    *off = calloc(1, sizeof **off);
    *len = calloc(1, sizeof **len);
    *all = malloc(n + 1);
    if (*all == NULL || *off == NULL || *len == NULL) {
        free(*all);
        free(*off);
        free(*len);
        *all = NULL;
        *off = *len = NULL;
        return -1;
    }
    if (n > 0)
        memcpy(*all, p, n);
    (*len)[0] = n;
    return 0;
}

#endif
