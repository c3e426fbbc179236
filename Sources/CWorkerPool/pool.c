// The persistent worker pool declared in include/CWorkerPool.h: pthreads and C11 atomics, no allocation per region.
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE  // pthread_setname_np
#endif
#include "CWorkerPool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define X3D_RELAX() _mm_pause()
#elif defined(__aarch64__) || defined(__arm__)
#define X3D_RELAX() __asm__ __volatile__("yield")
#else
#define X3D_RELAX() ((void)0)
#endif

/// Busy-wait iterations (each one `pause`/`yield`, roughly 10–150 cycles) before a thread sleeps: long enough to
/// bridge the gap between two regions of one forward pass (2^8 and 2^6 were slower on a quiet machine), short
/// enough not to take CPU from other processes (2^14 made XS 1.3× slower when another process held the second
/// core, docs/executor.md).
enum { X3D_SPINS = 1 << 10 };

struct x3d_pool {
  pthread_mutex_t lock;
  pthread_cond_t wake;  // workers: a new generation (or stop)
  pthread_cond_t done;  // caller: remaining reached zero
  _Atomic unsigned long generation;
  // The claim word of the current region: generation (low 32 bits) << 32 | chunks << 16 | next chunk to claim.
  _Atomic unsigned long long claim;
  _Atomic int remaining;  // chunks of the current region not yet finished
  _Atomic int busy;     // a region is running
  _Atomic int stop;
  // The current region, written before `claim` is published (release) and read by a thread only after it has
  // claimed one of its chunks (the region cannot end before that chunk does).
  x3d_pool_task task;
  void *context;
  ptrdiff_t count;
  int workers;
  int started;
  pthread_t *threads;
};

typedef struct {
  x3d_pool *pool;
} x3d_worker_start;

/// Claims and runs chunks of generation `generation` until none is left; each finished chunk counts down
/// `remaining`, and the one that reaches zero wakes the caller.
static void run_chunks(x3d_pool *pool, unsigned long generation) {
  unsigned long long word = atomic_load_explicit(&pool->claim, memory_order_acquire);
  for (;;) {
    unsigned long long chunks = (word >> 16) & 0xffff, next = word & 0xffff;
    if ((word >> 32) != (generation & 0xffffffffUL) || next >= chunks) return;
    if (!atomic_compare_exchange_weak_explicit(&pool->claim, &word, word + 1, memory_order_acq_rel,
                                               memory_order_acquire))
      continue;
    ptrdiff_t start = pool->count * (ptrdiff_t)next / (ptrdiff_t)chunks;
    ptrdiff_t end = pool->count * (ptrdiff_t)(next + 1) / (ptrdiff_t)chunks;
    if (start < end) pool->task(pool->context, start, end);
    if (atomic_fetch_sub_explicit(&pool->remaining, 1, memory_order_acq_rel) == 1) {
      pthread_mutex_lock(&pool->lock);
      pthread_cond_signal(&pool->done);
      pthread_mutex_unlock(&pool->lock);
    }
    word = atomic_load_explicit(&pool->claim, memory_order_acquire);
  }
}

static void *worker_main(void *argument) {
  x3d_worker_start start = *(x3d_worker_start *)argument;
  free(argument);
  x3d_pool *pool = start.pool;
#if defined(__APPLE__)
  pthread_setname_np("x3d-pool");  // macOS names only the calling thread
#endif
  unsigned long seen = 0;
  for (;;) {
    unsigned long now = atomic_load_explicit(&pool->generation, memory_order_acquire);
    for (int spin = 0; now == seen && spin < X3D_SPINS; spin++) {
      X3D_RELAX();
      now = atomic_load_explicit(&pool->generation, memory_order_acquire);
    }
    if (now == seen) {
      pthread_mutex_lock(&pool->lock);
      while ((now = atomic_load_explicit(&pool->generation, memory_order_acquire)) == seen)
        pthread_cond_wait(&pool->wake, &pool->lock);
      pthread_mutex_unlock(&pool->lock);
    }
    seen = now;
    if (atomic_load_explicit(&pool->stop, memory_order_acquire)) return NULL;
    run_chunks(pool, now);
  }
}

/// Publishes a new generation under the lock, so a worker between its last check and its wait cannot miss it.
static void publish(x3d_pool *pool) {
  pthread_mutex_lock(&pool->lock);
  atomic_fetch_add_explicit(&pool->generation, 1, memory_order_acq_rel);
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
}

/// Waits until every chunk of the current region has finished.
static void wait_for_chunks(x3d_pool *pool) {
  for (int spin = 0; spin < X3D_SPINS; spin++) {
    if (atomic_load_explicit(&pool->remaining, memory_order_acquire) == 0) return;
    X3D_RELAX();
  }
  pthread_mutex_lock(&pool->lock);
  while (atomic_load_explicit(&pool->remaining, memory_order_acquire) != 0)
    pthread_cond_wait(&pool->done, &pool->lock);
  pthread_mutex_unlock(&pool->lock);
}

x3d_pool *x3d_pool_create(int workers) {
  if (workers < 0) return NULL;
  x3d_pool *pool = calloc(1, sizeof(x3d_pool));
  if (!pool) return NULL;
  pool->threads = calloc(workers > 0 ? (size_t)workers : 1, sizeof(pthread_t));
  if (!pool->threads) {
    free(pool);
    return NULL;
  }
  pthread_mutex_init(&pool->lock, NULL);
  pthread_cond_init(&pool->wake, NULL);
  pthread_cond_init(&pool->done, NULL);
  atomic_init(&pool->generation, 0);
  atomic_init(&pool->claim, 0);
  atomic_init(&pool->remaining, 0);
  atomic_init(&pool->busy, 0);
  atomic_init(&pool->stop, 0);
  pool->workers = workers;
  for (int i = 0; i < workers; i++) {
    x3d_worker_start *start = malloc(sizeof(x3d_worker_start));
    if (!start) break;
    start->pool = pool;
    if (pthread_create(&pool->threads[i], NULL, worker_main, start) != 0) {
      free(start);
      break;
    }
    pool->started++;
#if defined(__linux__)
    // Named before create returns, so tools (and the tests, through /proc) can tell the pool's threads apart.
    pthread_setname_np(pool->threads[i], "x3d-pool");
#endif
  }
  if (pool->started < workers) {
    x3d_pool_destroy(pool);
    return NULL;
  }
  return pool;
}

void x3d_pool_destroy(x3d_pool *pool) {
  if (!pool) return;
  atomic_store_explicit(&pool->stop, 1, memory_order_release);
  publish(pool);
  for (int i = 0; i < pool->started; i++) pthread_join(pool->threads[i], NULL);
  pthread_cond_destroy(&pool->done);
  pthread_cond_destroy(&pool->wake);
  pthread_mutex_destroy(&pool->lock);
  free(pool->threads);
  free(pool);
}

int x3d_pool_workers(const x3d_pool *pool) { return pool->workers; }

int x3d_pool_run(x3d_pool *pool, ptrdiff_t count, int chunks, x3d_pool_task task, void *context) {
  if (chunks < 1 || chunks > pool->workers + 1 || chunks > 0xffff) return 0;
  if (atomic_exchange_explicit(&pool->busy, 1, memory_order_acquire)) return 0;
  if (chunks == 1 || pool->workers == 0) {
    if (count > 0) task(context, 0, count);
    atomic_store_explicit(&pool->busy, 0, memory_order_release);
    return 1;
  }
  pool->task = task;
  pool->context = context;
  pool->count = count;
  atomic_store_explicit(&pool->remaining, chunks, memory_order_relaxed);
  // Only this thread changes the generation, so it may read it relaxed.
  unsigned long generation = atomic_load_explicit(&pool->generation, memory_order_relaxed) + 1;
  atomic_store_explicit(&pool->claim, (unsigned long long)(generation & 0xffffffffUL) << 32 |
                                          (unsigned long long)chunks << 16,
                        memory_order_release);
  publish(pool);
  run_chunks(pool, generation);
  wait_for_chunks(pool);
  atomic_store_explicit(&pool->busy, 0, memory_order_release);
  return 1;
}
