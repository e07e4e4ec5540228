/*
 * compat.h
 *		Every line of loyalty_kpi that depends on the PostgreSQL version or
 *		on the compiler lives here, so the rest of the code is written once.
 *
 * Written for PostgreSQL 13 to 18 from their release notes and headers;
 * built and tested on 15 (Debian 12's postgresql-server-dev-15).  What
 * changed between those versions and what we use instead:
 *	 18	pg_attribute_noreturn() is gone; pg_noreturn, written before the
 *		declaration, replaces it (we define it on 13-17)
 *	 17	initReadOnlyStringInfo() appeared (we define it on 13-16)
 *	 16	the varlena macros moved from postgres.h to varatt.h
 *	 14	numeric gained Infinity (numeric_is_inf); 13 has none
 * and two compiler features used as hints only:
 *	 __builtin_prefetch	(GCC and Clang; a no-op elsewhere)
 *	 madvise(MADV_HUGEPAGE)	(Linux; skipped where the flag is not defined)
 */
#ifndef LOYALTY_KPI_COMPAT_H
#define LOYALTY_KPI_COMPAT_H

#include "postgres.h"
#include "lib/stringinfo.h"
#include "utils/numeric.h"

#if PG_VERSION_NUM < 130000
#error "loyalty_kpi needs PostgreSQL 13 or later"
#endif

/* The varlena macros (VARSIZE_ANY, VARDATA_ANY, VARATT_IS_...): postgres.h's until 16 */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/* A function that never returns: pg_noreturn void f(...) */
#ifndef pg_noreturn
#if defined(__GNUC__) || defined(__clang__)
#define pg_noreturn __attribute__((noreturn))
#elif defined(_MSC_VER)
#define pg_noreturn __declspec(noreturn)
#else
#define pg_noreturn
#endif
#endif

/* A StringInfo reading `len` bytes at `data` in place, as PostgreSQL 17 has it */
#if PG_VERSION_NUM < 170000
static inline void
initReadOnlyStringInfo(StringInfo str, char *data, int len)
{
	str->data = data;
	str->len = len;
	str->maxlen = 0;			/* read only: nothing may be appended */
	str->cursor = 0;
}
#endif

#if PG_VERSION_NUM < 140000
#define lk_numeric_is_inf(num) false
#else
#define lk_numeric_is_inf(num) numeric_is_inf(num)
#endif

/* Ask for a cache line to be loaded for reading or writing; a hint, nothing more */
#if defined(__GNUC__) || defined(__clang__)
#define lk_prefetch_for_write(addr) __builtin_prefetch((addr), 1)
#define lk_prefetch_for_read(addr) __builtin_prefetch((addr), 0)
#else
#define lk_prefetch_for_write(addr) ((void) (addr))
#define lk_prefetch_for_read(addr) ((void) (addr))
#endif

/* Ask for transparent huge pages over [p, p + size); a hint, nothing more */
#if defined(__linux__)
#include <sys/mman.h>
#endif
static inline void
lk_advise_huge_pages(void *p, Size size)
{
#if defined(MADV_HUGEPAGE)
	const uintptr_t huge = 2 * 1024 * 1024;
	uintptr_t	start = TYPEALIGN(huge, (uintptr_t) p);
	uintptr_t	end = TYPEALIGN_DOWN(huge, (uintptr_t) p + size);

	if (end > start)
		(void) madvise((void *) start, end - start, MADV_HUGEPAGE);
#else
	(void) p;
	(void) size;
#endif
}

/* Ask for the cache line at p ahead of a read at random; a hint, nothing more */
#if defined(__GNUC__) || defined(__clang__)
#define lk_prefetch(p) __builtin_prefetch(p)
#else
#define lk_prefetch(p) ((void) (p))
#endif

#endif							/* LOYALTY_KPI_COMPAT_H */
