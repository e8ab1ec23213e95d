/*===- ThreadPool.h - libcnnrt's process-wide thread pool (internal) ------===*/
#ifndef CNNRT_THREADPOOL_H
#define CNNRT_THREADPOOL_H

#include "cnnrt/cnnrt_abi.h"

/* Largest accepted thread count. */
enum { kCnnrtMaxThreads = 1024 };

/* The executor that runs loops on the pool, creating the pool on first use;
 * NULL when the pool has a single thread (the caller's). */
const cnnrt_executor *cnnrtPoolExecutor(void);

/* Restarts the pool with `n` threads (the caller counts as one); returns the
 * number it got, which is smaller when threads could not be started. */
int cnnrtPoolResize(int n);

/* Threads of the pool, creating it on first use. */
int cnnrtPoolThreads(void);

#endif
