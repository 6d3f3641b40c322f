/* Scratch blocks kept from one call for the next.
 *
 * Why: a call's scratch (up to 1 MB per thread for GEMM + col2im, a repacked weight for the
 * micro-kernel) came fresh from the allocator on every call, and glibc hands blocks this
 * size back to the kernel when they are freed (munmap, or trimming the heap top).  The next
 * call then paid a page fault, a zeroed page and a TLB flush for every 4 KB it touched:
 * with glibc's trimming switched off, odd_k5s3_b2 ran 30% faster, dcgan5_b16 11% and
 * dcgan3_b1 6.5% (2 threads, fresh processes alternating, 6 rounds).  Repeated calls on the
 * same layer are the common case (a network's forward pass, a benchmark), so the freed
 * blocks are kept and handed out again for a request of exactly the same size.
 *
 * Bounds: at most CONVT_CACHE_BLOCKS blocks and CONVT_CACHE_BYTES in all; the oldest go
 * first.  convt_scratch_release() frees everything kept (convt.release_scratch()), and an
 * allocation that fails frees everything kept and tries once more.
 * Exact sizes only, so a reused block never hides an overrun behind a larger block; and
 * builds that define CONVT_NO_SCRATCH_CACHE (AddressSanitizer) allocate every block
 * afresh, so each still has its own redzone.  Builds that define CONVT_POISON_SCRATCH (the
 * debug build) fill kept blocks with 0xFF bytes, a NaN in both float types: a kernel that
 * read scratch it had not written would put NaN into the tests' outputs.
 */
#ifndef CONVT_SCRATCH_CACHE_H
#define CONVT_SCRATCH_CACHE_H

#include <stdlib.h>
#include <string.h>

#ifdef CONVT_NO_SCRATCH_CACHE
#define CONVT_SCRATCH_CACHE 0
#else
#define CONVT_SCRATCH_CACHE 1
#endif
#define CONVT_CACHE_BLOCKS 32
#define CONVT_CACHE_BYTES ((size_t)32 << 20)

typedef struct {
    void *p;
    size_t n;
} convt_block;

static convt_block convt_cache[CONVT_CACHE_BLOCKS];
static int convt_cache_len;
static size_t convt_cache_bytes;
/* Held for a few loads and stores, by the serial part of a call (never inside a parallel
 * region), so a spin lock is enough for callers in several Python threads. */
static char convt_cache_lock;

static inline void convt_cache_acquire(void)
{
    while (__atomic_test_and_set(&convt_cache_lock, __ATOMIC_ACQUIRE))
        ;
}

static inline void convt_cache_release(void)
{
    __atomic_clear(&convt_cache_lock, __ATOMIC_RELEASE);
}

/* Cache-line aligned and sized: weight panels, staged rows and result tiles are runs of
 * 64-byte vectors, and from malloc's 16-byte alignment every one of their loads and stores
 * would straddle two lines. */
static inline size_t convt_lines(size_t nbytes)
{
    return (nbytes + 63) & ~(size_t)63;
}

static size_t convt_scratch_release(void);

static void *convt_scratch_get(size_t nbytes)
{
    size_t n = convt_lines(nbytes);
#ifndef CONVT_NO_SCRATCH_CACHE
    void *p = NULL;
    convt_cache_acquire();
    for (int i = convt_cache_len - 1; i >= 0; i--) {
        if (convt_cache[i].n == n) {
            p = convt_cache[i].p;
            memmove(convt_cache + i, convt_cache + i + 1,
                    (size_t)(convt_cache_len - i - 1) * sizeof(convt_block));
            convt_cache_len--;
            convt_cache_bytes -= n;
            break;
        }
    }
    convt_cache_release();
    if (p != NULL)
        return p;
    p = aligned_alloc(64, n);
    if (p == NULL && convt_scratch_release() > 0)
        p = aligned_alloc(64, n);   /* the kept blocks may be what is in the way */
    return p;
#else
    return aligned_alloc(64, n);
#endif
}

/* Give back a block of convt_scratch_get(nbytes) (NULL is ignored). */
static void convt_scratch_put(void *p, size_t nbytes)
{
    if (p == NULL)
        return;
#ifdef CONVT_NO_SCRATCH_CACHE
    (void)nbytes;
    free(p);
#else
    size_t n = convt_lines(nbytes);
    void *victims[CONVT_CACHE_BLOCKS];
    int nvictims = 0;
    if (n > CONVT_CACHE_BYTES) {
        free(p);
        return;
    }
#ifdef CONVT_POISON_SCRATCH
    memset(p, 0xFF, n);
#endif
    convt_cache_acquire();
    while (convt_cache_len == CONVT_CACHE_BLOCKS || convt_cache_bytes + n > CONVT_CACHE_BYTES) {
        victims[nvictims++] = convt_cache[0].p;
        convt_cache_bytes -= convt_cache[0].n;
        convt_cache_len--;
        memmove(convt_cache, convt_cache + 1, (size_t)convt_cache_len * sizeof(convt_block));
    }
    convt_cache[convt_cache_len].p = p;
    convt_cache[convt_cache_len].n = n;
    convt_cache_len++;
    convt_cache_bytes += n;
    convt_cache_release();
    /* (outside the lock: free may take a system call) */
    for (int i = 0; i < nvictims; i++)
        free(victims[i]);
#endif
}

/* Free every kept block; returns the bytes freed. */
static size_t convt_scratch_release(void)
{
    void *victims[CONVT_CACHE_BLOCKS];
    int nvictims;
    size_t bytes;
    convt_cache_acquire();
    nvictims = convt_cache_len;
    for (int i = 0; i < nvictims; i++)
        victims[i] = convt_cache[i].p;
    bytes = convt_cache_bytes;
    convt_cache_len = 0;
    convt_cache_bytes = 0;
    convt_cache_release();
    for (int i = 0; i < nvictims; i++)
        free(victims[i]);
    return bytes;
}

/* Bytes kept now. */
static size_t convt_scratch_kept(void)
{
    size_t bytes;
    convt_cache_acquire();
    bytes = convt_cache_bytes;
    convt_cache_release();
    return bytes;
}

#endif
