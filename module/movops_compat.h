/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movops_compat.h - every kernel version difference movops cares about.
 *
 * Nothing outside this header may depend on the kernel version or include
 * a header whose name changed between releases.  Decisions are made on
 * features, not version numbers: a macro test where the headers offer
 * one, otherwise the MV_HAVE_* flags that module/Kbuild probes from the
 * tree's headers.  Target today: 7.3; the
 * 6.12 branches follow the 6.12 sources but have not been built yet.
 */
#ifndef _MOVOPS_COMPAT_H
#define _MOVOPS_COMPAT_H

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/migrate.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/zsmalloc.h>

/*
 * Probed by module/Kbuild; 0 when built without it.  6.17 ("mm: stop
 * storing migration_ops in page->mapping") moved the movable_ops lookup
 * into mm/migrate.c and added set_movable_ops() and page_has_movable_ops().
 */
#ifndef MV_HAVE_SET_MOVABLE_OPS
#define MV_HAVE_SET_MOVABLE_OPS	0
#endif
#ifndef MV_HAVE_BALLOON_H
#define MV_HAVE_BALLOON_H	0
#endif
#ifndef MV_HAVE_ZS_OBJ_READ
#define MV_HAVE_ZS_OBJ_READ	0
#endif
#ifndef MV_HAVE_ZS_OBJ_SG
#define MV_HAVE_ZS_OBJ_SG	0
#endif
#ifndef MV_HAVE_ZS_MALLOC_NID
#define MV_HAVE_ZS_MALLOC_NID	0
#endif

/* 7.x renamed <linux/balloon_compaction.h> to <linux/balloon.h>. */
#if MV_HAVE_BALLOON_H
#include <linux/balloon.h>
#else
#include <linux/balloon_compaction.h>
#endif

/* kzalloc_obj() and friends are 7.x; older trees get the plain form. */
#ifndef kzalloc_obj
#define kzalloc_obj(P, GFP)	kcalloc(1, sizeof(P), GFP)
#endif

#if IS_ENABLED(CONFIG_BALLOON_MIGRATION) || IS_ENABLED(CONFIG_BALLOON_COMPACTION)
#define MV_HAVE_BALLOON_MIGRATION	1
#else
#define MV_HAVE_BALLOON_MIGRATION	0
#endif

static inline bool mv_page_has_movable_ops(struct page *page)
{
#if MV_HAVE_SET_MOVABLE_OPS
	return page_has_movable_ops(page);
#else
	/* 6.12: movable ops encoded in page->mapping (and registered). */
	return PageMovable(page);
#endif
}

/* The balloon device a balloon page belongs to (page->private on both). */
static inline unsigned long mv_balloon_page_dev(struct page *page)
{
	return page_private(page);
}

/* alloc_contig_range(): a migratetype before 6.16, acr_flags_t since. */
static inline int mv_alloc_contig_range(unsigned long start, unsigned long end,
					gfp_t gfp)
{
#ifdef ACR_FLAGS_NONE
	return alloc_contig_range(start, end, ACR_FLAGS_NONE, gfp);
#else
	return alloc_contig_range(start, end, MIGRATE_MOVABLE, gfp);
#endif
}

/*
 * zsmalloc object access.  zs_obj_read_begin()/zs_obj_read_end() and
 * zs_obj_write() replaced zs_map_object()/zs_unmap_object(); the
 * scatterlist variant, used to learn the pages behind an object, came later.
 */
#if MV_HAVE_ZS_OBJ_READ
static inline void mv_zs_read(struct zs_pool *pool, unsigned long handle,
			      void *dst, size_t len, void *bounce)
{
	void *src = zs_obj_read_begin(pool, handle, len, bounce);

	memcpy(dst, src, len);
	zs_obj_read_end(pool, handle, len, src);
}

static inline void mv_zs_write(struct zs_pool *pool, unsigned long handle,
			       void *src, size_t len)
{
	zs_obj_write(pool, handle, src, len);
}

#else
static inline void mv_zs_read(struct zs_pool *pool, unsigned long handle,
			      void *dst, size_t len, void *bounce)
{
	void *src = zs_map_object(pool, handle, ZS_MM_RO);

	memcpy(dst, src, len);
	zs_unmap_object(pool, handle);
}

static inline void mv_zs_write(struct zs_pool *pool, unsigned long handle,
			       void *src, size_t len)
{
	void *dst = zs_map_object(pool, handle, ZS_MM_WO);

	memcpy(dst, src, len);
	zs_unmap_object(pool, handle);
}

#endif

static inline bool mv_zs_page_typed(struct page *page)
{
	return PageZsmalloc(page) && mv_page_has_movable_ops(page);
}

#if MV_HAVE_ZS_OBJ_SG
/*
 * PFNs of the (one or two) pages holding an object; pfns[1] = 0 if one.
 * Returns whether those pages are zsmalloc pages with movable ops, tested
 * while the zspage is read-locked so that migration cannot swap them.
 */
static inline bool mv_zs_obj_pfns(struct zs_pool *pool, unsigned long handle,
				  size_t len, unsigned long pfns[2])
{
	struct scatterlist sg[2];
	bool typed;

	zs_obj_read_sg_begin(pool, handle, sg, len);
	pfns[0] = page_to_pfn(sg_page(&sg[0]));
	typed = mv_zs_page_typed(sg_page(&sg[0]));
	pfns[1] = 0;
	if (!sg_is_last(&sg[0])) {
		pfns[1] = page_to_pfn(sg_page(&sg[1]));
		typed = typed && mv_zs_page_typed(sg_page(&sg[1]));
	}
	zs_obj_read_sg_end(pool, handle);
	return typed;
}
#else
/*
 * TODO(6.12): without the scatterlist variant the pages behind a
 * page-crossing object stay hidden (zs_map_object() returns a per-CPU
 * copy); a port must find them another way.  Until then no PFN is
 * reported and targeted zsmalloc migration has nothing to aim at.
 */
static inline bool mv_zs_obj_pfns(struct zs_pool *pool, unsigned long handle,
				  size_t len, unsigned long pfns[2])
{
	pfns[0] = 0;
	pfns[1] = 0;
	return true;
}
#endif

/* zs_malloc() gained its node argument (with the zpool removal). */
static inline unsigned long mv_zs_malloc(struct zs_pool *pool, size_t size,
					 gfp_t gfp)
{
#if MV_HAVE_ZS_MALLOC_NID
	return zs_malloc(pool, size, gfp, NUMA_NO_NODE);
#else
	return zs_malloc(pool, size, gfp);
#endif
}

/* --- census.c (issue 5) --- */
/*
 * The movable-ops mark of a page of any type, read once and lock-free:
 * PG_movable_ops (an alias of PG_uptodate, tested on the head page) on
 * kernels with set_movable_ops(), PAGE_MAPPING_MOVABLE in page->mapping
 * before.
 * Only the caller's type check gives it a meaning.
 */
static inline bool mv_page_movable_mark(const struct page *page)
{
#if MV_HAVE_SET_MOVABLE_OPS
	return PageMovableOps(page);
#else
	return __PageMovable(page);
#endif
}

/* --- end census.c --- */

#endif /* _MOVOPS_COMPAT_H */
