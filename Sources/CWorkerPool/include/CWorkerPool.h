/// CWorkerPool: a persistent pool of worker threads for the fast backend's parallel regions (see
/// ParallelChunks.swift). Apart from CKernels, which includes no C library header.
///
/// `x3d_pool_create(workers)` starts `workers` threads once. `x3d_pool_run` splits `0..<count` into `chunks`
/// contiguous, nearly equal ranges (`[count·c/chunks, count·(c+1)/chunks)`, `chunks ≤ workers + 1`) that the
/// calling thread and the workers claim from one atomic counter, so chunks a late worker (one the scheduler has
/// not run yet) would have taken are run by the others; the call returns when all are done. Between regions a worker
/// spins briefly on a generation counter (C11 atomics), then sleeps on a condition variable, so an idle process
/// uses no CPU. One region at a time: a call made while another runs (from another thread, or nested inside a
/// chunk) returns 0 without running anything, and the caller runs the work some other way.
#ifndef X3D_CWORKER_POOL_H
#define X3D_CWORKER_POOL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Runs the half-open range `[start, end)` of a region's work.
typedef void (*x3d_pool_task)(void *context, ptrdiff_t start, ptrdiff_t end);

typedef struct x3d_pool x3d_pool;

/// A pool of `workers` (≥ 0) threads; NULL when the threads cannot be created.
x3d_pool *x3d_pool_create(int workers);

/// Stops and joins the workers, then frees the pool. No region may be running.
void x3d_pool_destroy(x3d_pool *pool);

/// The number of worker threads (the calling thread comes on top).
int x3d_pool_workers(const x3d_pool *pool);

/// Runs `task` over `chunks` ranges of `0..<count` (1 ≤ chunks ≤ workers + 1); 1 when done, 0 when the pool was
/// busy and nothing ran.
int x3d_pool_run(x3d_pool *pool, ptrdiff_t count, int chunks, x3d_pool_task task, void *context);

#ifdef __cplusplus
}
#endif

#endif
