/*
** mpi.h - the few MPI calls chainsim makes, behind functions that a build
** without MPI (the default) turns into those of a single process: rank 0
** of 1.  Built with MPI (make MPI=1: mpicc, -DCS_MPI) they are MPI's, on
** MPI_COMM_WORLD, from the main thread only (MPI_THREAD_FUNNELED: the
** worker threads never call MPI).  Knows nothing of chainsim's records:
** it moves bytes and integers.
*/
#ifndef CHAINSIM_MPI_H
#define CHAINSIM_MPI_H

#include <stddef.h>

/* 1 in a build with MPI, else 0. */
int cs_mpi_built(void);

/* Starts MPI (a no-op without it); 0, or -1 when MPI cannot start. */
int cs_mpi_init(int *argc, char ***argv);

/* Ends MPI once every rank is done with it (a no-op without it). */
void cs_mpi_finalize(void);

/* This process's rank and the number of ranks (0 and 1 without MPI, or
** before cs_mpi_init). */
int cs_mpi_rank(void);
int cs_mpi_size(void);

/* Ends every rank at once with exit code code (exit(code) without MPI).
** Does not return. */
void cs_mpi_abort(int code);

/* The greatest of every rank's v, on every rank (v without MPI). */
int cs_mpi_max(int v);

/* Rank 0's v, on every rank (v without MPI). */
int cs_mpi_bcast(int v);

/*
** Gathers every rank's n bytes at p on rank 0 (MPI_Gatherv): there *all
** (caller frees) holds them in rank order, rank r's from off[r] for
** len[r] bytes (off and len: caller frees, cs_mpi_size() entries each);
** NULL on the other ranks.  Every rank must call it.  Returns 0 on every
** rank, or -1 on every rank when the parts cannot be gathered (more than
** 2 GiB in all, which MPI's int counts cannot say, or out of memory on
** rank 0).
*/
int cs_mpi_gather(const void *p, size_t n, unsigned char **all,
                  size_t **off, size_t **len);

#endif /* CHAINSIM_MPI_H */
