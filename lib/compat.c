// SPDX-License-Identifier: GPL-2.0
/*
 * compat.c - the out-of-line bodies of movops_compat.h's shims: what
 * differs between kernel versions and takes more than a few lines.
 * Compiled into movops.ko and the KUnit suite alike (lib/).
 */
#include <linux/hugetlb.h>
#include <linux/kallsyms.h>
#include <linux/memory_hotplug.h>
#include <linux/mmzone.h>
#include <linux/vmstat.h>

#include "fixtures.h"
#include "movops_compat.h"

/*
 * Does @ops look like the table whose migrate_page is @fn?  Read through
 * kallsyms (%ps), so it needs no symbol export: the zsmalloc table is
 * static, only a zsmalloc page's mapping leads to it.
 */
bool mv_ops_migrate_is(const struct movable_operations *ops, const char *fn)
{
	char name[KSYM_NAME_LEN];

	if (!ops || !ops->migrate_page)
		return false;
	snprintf(name, sizeof(name), "%ps", ops->migrate_page);
	return !strcmp(name, fn);
}

/*
 * A driver's migratepage callback has said yes (returns 0).  Where the
 * balloon header still offers balloon_page_insert() to drivers (6.12),
 * the balloon core leaves the page lists to the driver, as
 * virtballoon_migratepage() shows: reference and insert the new page,
 * drop isolated_pages, count BALLOON_MIGRATE, finalize and release the
 * old page.  Where it does not (7.x mm/balloon.c), balloon_page_migrate()
 * does all of that itself after the callback.
 */
void mv_balloon_migrated(struct balloon_dev_info *dev, struct page *newpage,
			 struct page *page)
{
#if MV_HAVE_BALLOON_PAGE_INSERT
	unsigned long flags;

	get_page(newpage);
	spin_lock_irqsave(&dev->pages_lock, flags);
	balloon_page_insert(dev, newpage);
	dev->isolated_pages--;
	__count_vm_event(BALLOON_MIGRATE);
	spin_unlock_irqrestore(&dev->pages_lock, flags);
	balloon_page_finalize(page);
	put_page(page);
#endif
}

/* The NR_BALLOON_PAGES node counter, exact; -1 where it does not exist. */
long mv_balloon_pages_stat(void)
{
#if MV_HAVE_NR_BALLOON_PAGES
	long v = 0;
	int nid, cpu;

	for_each_online_node(nid) {
		struct pglist_data *pgdat = NODE_DATA(nid);

		v += atomic_long_read(&pgdat->vm_stat[NR_BALLOON_PAGES]);
		for_each_online_cpu(cpu)
			v += per_cpu_ptr(pgdat->per_cpu_nodestats, cpu)
				->vm_node_stat_diff[NR_BALLOON_PAGES];
	}
	return v;
#else
	return -1;
#endif
}

/*
 * alloc_contig_pages() on @nid: exported since 6.13 or so, not in 6.12
 * (lib/features.mk reads the build's Module.symvers).  Without the export,
 * the same search over the exported alloc_contig_range(), as
 * mm/page_alloc.c does it: zones from gfp_zone(@gfp) down, the first clean
 * range of each (mv_clean_range_in_zone()).  @nr is a power of two.
 */
struct page *mv_alloc_contig_pages(unsigned long nr, gfp_t gfp, int nid)
{
#if MV_HAVE_ALLOC_CONTIG_PAGES_EXPORT
	return alloc_contig_pages(nr, gfp, nid, NULL);
#else
	struct page *page;
	struct zone *zone;
	int z;

	for (z = gfp_zone(gfp); z >= 0; z--) {
		zone = &NODE_DATA(nid)->node_zones[z];
		if (!populated_zone(zone))
			continue;
		page = mv_clean_range_in_zone(zone, nr, gfp);
		if (page)
			return page;
	}
	return NULL;
#endif
}

#if MV_HAVE_ZS_OBJ_SG
bool mv_zs_obj_pfns(struct zs_pool *pool, unsigned long handle, size_t len,
		    unsigned long pfns[2])
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
#elif !MV_HAVE_ZS_OBJ_READ
/*
 * Before zs_obj_*: zs_map_object() holds the zspage's migrate read lock
 * until zs_unmap_object(), so the handle's encoded location is stable in
 * between.  The handle holds (pfn << OBJ_INDEX_BITS | obj_idx), with
 * OBJ_INDEX_BITS from MAX_POSSIBLE_PHYSMEM_BITS as mm/zsmalloc.c defines
 * it; a subpage's page->index links the next page of its zspage.  The
 * decoding is cross-checked: an object within one page is mapped in the
 * direct map of exactly the decoded page (otherwise zs_map_object()
 * returned its per-CPU copy and the object crosses into the next page),
 * and every page found must be a zsmalloc page.  Any mismatch reports
 * no PFN and "not typed", which the callers count as a failure.
 */
#if defined(MAX_POSSIBLE_PHYSMEM_BITS)
#define MV_ZS_PHYS_BITS	MAX_POSSIBLE_PHYSMEM_BITS
#elif defined(MAX_PHYSMEM_BITS)
#define MV_ZS_PHYS_BITS	MAX_PHYSMEM_BITS
#else
#define MV_ZS_PHYS_BITS	BITS_PER_LONG
#endif
#define MV_ZS_OBJ_INDEX_BITS	(BITS_PER_LONG - (MV_ZS_PHYS_BITS - PAGE_SHIFT))

static struct page *mv_zs_valid_page(unsigned long pfn)
{
	struct page *page = pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;

	return page && PageZsmalloc(page) ? page : NULL;
}

bool mv_zs_obj_pfns(struct zs_pool *pool, unsigned long handle, size_t len,
		    unsigned long pfns[2])
{
	struct page *first, *next = NULL;
	bool typed = false;
	unsigned long obj;
	void *p;

	pfns[0] = 0;
	pfns[1] = 0;
	p = zs_map_object(pool, handle, ZS_MM_RO);
	obj = READ_ONCE(*(unsigned long *)handle);
	first = mv_zs_valid_page(obj >> MV_ZS_OBJ_INDEX_BITS);
	if (!first)
		goto out;
	if (!virt_addr_valid(p) || virt_to_page(p) != first) {
		/* Then p must be the per-CPU copy, in no zsmalloc page. */
		if (virt_addr_valid(p) && PageZsmalloc(virt_to_page(p)))
			goto out;
		next = (struct page *)READ_ONCE(first->index);
		next = next ? mv_zs_valid_page(page_to_pfn(next)) : NULL;
		if (!next || next == first)
			goto out;
		pfns[1] = page_to_pfn(next);
	}
	pfns[0] = page_to_pfn(first);
	typed = mv_zs_page_typed(first) && (!next || mv_zs_page_typed(next));
out:
	zs_unmap_object(pool, handle);
	return typed;
}
#else
/*
 * TODO: zs_obj_read_begin() without the scatterlist variant (the releases
 * between the two): the pages behind an object are not found; no PFN is
 * reported and targeted zsmalloc migration has nothing to aim at.
 */
bool mv_zs_obj_pfns(struct zs_pool *pool, unsigned long handle, size_t len,
		    unsigned long pfns[2])
{
	pfns[0] = 0;
	pfns[1] = 0;
	return true;
}
#endif
