/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movops_compat.h - every kernel version difference movops cares about.
 *
 * Nothing outside this header (and lib/compat.c, its out-of-line bodies)
 * may depend on the kernel version or include a header whose name changed
 * between releases.  Decisions are made on features, not version numbers:
 * a macro test where the headers offer one, otherwise the MV_HAVE_* flags
 * that lib/features.mk probes from the tree's headers, for movops.ko and
 * the KUnit suite alike.  Built and run on 6.12.117 (ops in page->mapping)
 * and 7.3.4 (ops looked up by page type, set_movable_ops()).
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
 * The probed features (lib/features.mk), 0 when built without them.
 * 6.17 ("mm: stop storing migration_ops in page->mapping") moved the
 * movable_ops lookup into mm/migrate.c and added set_movable_ops() and
 * page_has_movable_ops().
 */
#ifndef MV_HAVE_SET_MOVABLE_OPS
#define MV_HAVE_SET_MOVABLE_OPS	0
#endif
/* 7.x renamed <linux/balloon_compaction.h> to <linux/balloon.h>. */
#ifndef MV_HAVE_BALLOON_H
#define MV_HAVE_BALLOON_H	0
#endif
/* zs_obj_read_begin() and friends, and their scatterlist variant. */
#ifndef MV_HAVE_ZS_OBJ_READ
#define MV_HAVE_ZS_OBJ_READ	0
#endif
#ifndef MV_HAVE_ZS_OBJ_SG
#define MV_HAVE_ZS_OBJ_SG	0
#endif
/* zs_malloc() with a node argument. */
#ifndef MV_HAVE_ZS_MALLOC_NID
#define MV_HAVE_ZS_MALLOC_NID	0
#endif
/* 6.17: page_has_movable_ops(), PG_movable_ops; before, page->mapping. */
#ifndef MV_HAVE_PAGE_HAS_MOVABLE_OPS
#define MV_HAVE_PAGE_HAS_MOVABLE_OPS	0
#endif
/* page_movable_ops() public in <linux/migrate.h> (static since 6.17). */
#ifndef MV_HAVE_PUBLIC_PAGE_MOVABLE_OPS
#define MV_HAVE_PUBLIC_PAGE_MOVABLE_OPS	0
#endif
/* balloon_mops declared (exported) by the balloon header. */
#ifndef MV_HAVE_BALLOON_MOPS
#define MV_HAVE_BALLOON_MOPS	0
#endif
/* The NR_BALLOON_PAGES node counter ("Balloon:" in /proc/meminfo). */
#ifndef MV_HAVE_NR_BALLOON_PAGES
#define MV_HAVE_NR_BALLOON_PAGES	0
#endif
/* balloon_page_insert() offered to drivers (6.12). */
#ifndef MV_HAVE_BALLOON_PAGE_INSERT
#define MV_HAVE_BALLOON_PAGE_INSERT	0
#endif
/* balloon_dev_info.adjust_managed_page_count (7.x). */
#ifndef MV_HAVE_BALLOON_ADJUST_MANAGED
#define MV_HAVE_BALLOON_ADJUST_MANAGED	0
#endif
/* alloc_contig_pages() exported (not in 6.12: Module.symvers says). */
#ifndef MV_HAVE_ALLOC_CONTIG_PAGES_EXPORT
#define MV_HAVE_ALLOC_CONTIG_PAGES_EXPORT	0
#endif

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

/*
 * zsmalloc's pages have movable ops only with CONFIG_COMPACTION
 * (mm/zsmalloc.c: zs_page_isolate/migrate/putback, the registration in
 * zs_init() and SetZsPageMovable() are all under it, and alloc_zspage()
 * drops __GFP_MOVABLE without it): else they can never migrate.
 */
#if IS_ENABLED(CONFIG_COMPACTION)
#define MV_HAVE_ZS_MIGRATION	1
#else
#define MV_HAVE_ZS_MIGRATION	0
#endif
#define MV_NO_ZS_MIGRATION_REASON \
	"CONFIG_COMPACTION is off: zsmalloc pages have no movable ops (mm/zsmalloc.c builds them only with it)"

/*
 * Does the page have movable ops?  Before 6.17 the ops are encoded in
 * page->mapping: __PageMovable() says the mapping is an ops pointer, and
 * a NULL one (__ClearPageMovable(), as balloon_page_finalize() does) means
 * "no longer movable".  PageMovable() would say the same but wants the
 * page locked (VM_BUG_ON_PAGE under DEBUG_VM), so it is not used.
 */
#if !MV_HAVE_PAGE_HAS_MOVABLE_OPS
/*
 * The movable_operations a page's mapping word names, or NULL: the word is
 * read once.  6.12's page_movable_ops() reads page->mapping a second time
 * under VM_BUG_ON(!__PageMovable(page)), so on a page nobody holds (a
 * neighbour in a pageblock scan) a free between the two reads hits that
 * BUG; it is never called here.  Slab pages (struct slab overlays that
 * word with slab_list / the CPU-partial count, mm/slab.h) and compound
 * pages (a tail's word is its folio's mapcounts; balloon and zsmalloc
 * pages are order 0) carry no ops in it.
 */
static inline unsigned long mv_mapping_word(const struct page *page)
{
	unsigned long mapping = (unsigned long)READ_ONCE(page->mapping);

	if (PageSlab(page) || PageCompound(page))
		return 0;
	if ((mapping & PAGE_MAPPING_FLAGS) != PAGE_MAPPING_MOVABLE)
		return 0;
	return mapping;
}

static inline const struct movable_operations *
mv_mapping_ops(const struct page *page)
{
	unsigned long mapping = mv_mapping_word(page);

	return mapping ? (const struct movable_operations *)
			 (mapping - PAGE_MAPPING_MOVABLE) : NULL;
}
#endif

static inline bool mv_page_has_movable_ops(struct page *page)
{
#if MV_HAVE_PAGE_HAS_MOVABLE_OPS
	return page_has_movable_ops(page);
#else
	return mv_mapping_ops(page);
#endif
}

/*
 * The function that isolates a page through its movable ops, by name for
 * kprobes, and what its return value says: a bool (true: isolated), or
 * an int that was 0 on success in older trees.
 */
#if MV_HAVE_ISOLATE_MOVABLE_OPS_PAGE
#define MV_ISOLATE_MOVABLE_SYM	"isolate_movable_ops_page"
#else
#define MV_ISOLATE_MOVABLE_SYM	"isolate_movable_page"
#endif

static inline bool mv_isolate_ret_isolated(unsigned long ret)
{
#if MV_HAVE_ISOLATE_BOOL
	/* Only the low byte of the return register is defined for a bool. */
	return (u8)ret;
#else
	return !(int)ret;
#endif
}

/* Isolated for migration through its movable ops. */
static inline bool mv_page_ops_isolated(struct page *page)
{
#if MV_HAVE_PAGE_HAS_MOVABLE_OPS
	return PageMovableOpsIsolated(page);
#else
	return PageIsolated(page);
#endif
}

/*
 * The movable-ops mark of a page of any type, read once and lock-free:
 * PG_movable_ops (an alias of PG_uptodate, tested on the head page) on
 * kernels with set_movable_ops(), PAGE_MAPPING_MOVABLE in page->mapping
 * before (which struct slab overlays: on a slab page no mark at all).
 * Only the caller's type check gives it a meaning.
 */
static inline bool mv_page_movable_mark(const struct page *page)
{
#if MV_HAVE_SET_MOVABLE_OPS
	return PageMovableOps(page);
#else
	return mv_mapping_word(page) != 0;
#endif
}

/*
 * A deflated balloon page stays PageOffline with its movable ops until
 * freed where the ops are a page flag (7.3's balloon_page_finalize() only
 * clears page->private); 6.12's balloon_page_finalize() does
 * __ClearPageMovable() and __ClearPageOffline(), so both are gone.
 */
#define MV_DEFLATED_BALLOON_KEEPS_OPS	MV_HAVE_PAGE_HAS_MOVABLE_OPS

/*
 * Direct resolution: the ops table a page resolves to, where the kernel
 * lets a module ask (page_movable_ops() public, 6.12), and the balloon's
 * table where it is exported.  Since 6.17 both are private to mm/ and
 * resolution can only be shown from evidence (kprobes, callbacks).
 */
#define MV_HAVE_DIRECT_OPS	(MV_HAVE_PUBLIC_PAGE_MOVABLE_OPS && \
				 MV_HAVE_BALLOON_MOPS)
#define MV_NO_DIRECT_OPS_REASON \
	"page_movable_ops() and balloon_mops are private to mm/ on this kernel (since 6.17): resolution is shown by kprobes instead"

#if MV_HAVE_DIRECT_OPS
static inline const struct movable_operations *mv_page_ops(struct page *page)
{
	return mv_mapping_ops(page);
}

static inline const struct movable_operations *mv_balloon_ops(void)
{
	return &balloon_mops;
}
#else
static inline const struct movable_operations *mv_page_ops(struct page *page)
{
	return NULL;
}

static inline const struct movable_operations *mv_balloon_ops(void)
{
	return NULL;
}
#endif

/* Does @ops look like the table whose migrate_page is @fn? (kallsyms) */
bool mv_ops_migrate_is(const struct movable_operations *ops, const char *fn);

/*
 * A driver's migratepage callback has said yes: do the list work the
 * balloon core leaves to drivers where it does (6.12); nothing on 7.x.
 */
void mv_balloon_migrated(struct balloon_dev_info *dev, struct page *newpage,
			 struct page *page);

/*
 * The -ENOENT answer ("deflated during migration") is a contract of the
 * balloon core where it does the list work (balloon_page_migrate() frees
 * the page); before, a driver deflated the page itself in its callback.
 */
#define MV_HAVE_BALLOON_ENOENT	(!MV_HAVE_BALLOON_PAGE_INSERT)
#define MV_NO_BALLOON_ENOENT_REASON \
	"no -ENOENT (deflated during migration) contract in this balloon core: drivers deflate in their own migratepage callback (6.12 vmw_balloon)"
#define MV_NO_NR_BALLOON_PAGES_REASON \
	"no NR_BALLOON_PAGES (meminfo Balloon:) counter in this kernel"

/*
 * balloon_dev_info.adjust_managed_page_count: the balloon core keeps the
 * zones' managed pages in step with inflation, deflation and cross-zone
 * migration (7.x).  Before, drivers did it in their own callbacks.
 */
#define MV_NO_BALLOON_ADJUST_MANAGED_REASON \
	"no balloon_dev_info.adjust_managed_page_count: drivers adjust managed pages in their own migratepage callback (6.12 virtio_balloon)"

static inline void mv_balloon_adjust_managed(struct balloon_dev_info *b)
{
#if MV_HAVE_BALLOON_ADJUST_MANAGED
	b->adjust_managed_page_count = true;
#endif
}

/* The NR_BALLOON_PAGES node counter, exact; -1 where it does not exist. */
long mv_balloon_pages_stat(void);

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

/* alloc_contig_pages() on @nid, exported or not; @nr a power of two. */
struct page *mv_alloc_contig_pages(unsigned long nr, gfp_t gfp, int nid);

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

/* A zsmalloc page, with movable ops exactly where zsmalloc gives them. */
static inline bool mv_zs_page_typed(struct page *page)
{
	return PageZsmalloc(page) &&
	       mv_page_has_movable_ops(page) == MV_HAVE_ZS_MIGRATION;
}

/*
 * PFNs of the (one or two) pages holding an object; pfns[1] = 0 if one.
 * Returns whether those pages are zsmalloc pages with movable ops (without
 * them where zsmalloc has none, MV_HAVE_ZS_MIGRATION), tested
 * while the zspage is locked so that migration cannot swap them.
 */
bool mv_zs_obj_pfns(struct zs_pool *pool, unsigned long handle, size_t len,
		    unsigned long pfns[2]);

/* Whether mv_zs_obj_pfns() finds the pages behind an object here. */
#define MV_HAVE_ZS_OBJ_PFNS	(MV_HAVE_ZS_OBJ_SG || !MV_HAVE_ZS_OBJ_READ)
#define MV_NO_ZS_OBJ_PFNS_REASON \
	"zs_obj_read_begin() without zs_obj_read_sg_begin(): the pages behind an object are unknown"

/*
 * A read of an object held open: zs_obj_read_sg_begin() read-locks the
 * zspage until zs_obj_read_sg_end(), and the holder may sleep in between
 * (writers, migration among them, only trylock).  zs_map_object() (6.12)
 * holds a non-sleeping lock with preemption off: nothing can be held
 * across a migration there.  @sg holds two entries.
 */
#define MV_HAVE_ZS_READ_HOLD	MV_HAVE_ZS_OBJ_SG
#define MV_NO_ZS_READ_HOLD_REASON \
	"no zs_obj_read_sg_begin(): zs_map_object() cannot be held across a sleeping migration"

static inline void mv_zs_read_hold(struct zs_pool *pool, unsigned long handle,
				   struct scatterlist *sg, size_t len)
{
#if MV_HAVE_ZS_OBJ_SG
	zs_obj_read_sg_begin(pool, handle, sg, len);
#endif
}

static inline void mv_zs_read_release(struct zs_pool *pool,
				      unsigned long handle)
{
#if MV_HAVE_ZS_OBJ_SG
	zs_obj_read_sg_end(pool, handle);
#endif
}

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

/*
 * Kprobes that stay traps.  ppc64's optimized kprobe, a branch to a
 * trampoline (arch/powerpc/kernel/optprobes_head.S), saves r2 to r31 on
 * entry and restores them on exit, r13 included: the paca, through which
 * the kernel reads current, the stack-protector canary, the soft interrupt
 * mask and the per-CPU offset.  In between the task is preemptible
 * (optimized_callback()'s preempt_enable(), emulate_step(), any
 * interrupt), so one that moves to another CPU there goes on with the old
 * CPU's paca until its next interrupt: the ppc64le SMP crash of
 * docs/architectures.md.  A kprobe with a post_handler is never optimized
 * (kernel/kprobes.c optimize_kprobe()), so where that trampoline meets
 * preemption movops' kprobes get one that does nothing.
 */
#if defined(CONFIG_PPC64) && defined(CONFIG_OPTPROBES) && defined(CONFIG_PREEMPTION)
struct kprobe;
struct pt_regs;
static inline void mv_kprobe_post_nop(struct kprobe *kp, struct pt_regs *regs,
				      unsigned long flags)
{
}

#define MV_KPROBE_POST	mv_kprobe_post_nop
#define MV_KPROBE_KEEP_TRAPS	1
#else
#define MV_KPROBE_POST	NULL
#define MV_KPROBE_KEEP_TRAPS	0
#endif

#endif /* _MOVOPS_COMPAT_H */
