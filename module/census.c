// SPDX-License-Identifier: GPL-2.0
/*
 * census.c - a census of movable_ops pages over every PFN of every
 * populated zone, whoever owns them (virtio_balloon, zram, this module),
 * with snapshots that tell which pages left their PFN, and a targeted
 * migration of every zsmalloc page the census finds.
 *
 * The walk takes no lock that would stop pages from changing: each page's
 * type and movable-ops mark are read once, without a reference, and only
 * decide what is counted.  A page that looks like an invariant breaker is
 * looked at again before it is counted, so a page caught between two
 * lives (freed as one type, allocated as another) is not taken for one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/memory_hotplug.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "movops.h"

/* What a page is, for the census. */
enum mv_cs_kind {
	MV_CS_BALLOON,		/* PageOffline with movable ops */
	MV_CS_ZS,		/* PageZsmalloc with movable ops */
	MV_CS_OFFLINE_NOOPS,	/* PageOffline without movable ops */
	MV_CS_NR_SET,		/* kinds above have PFN sets in a snapshot */
	MV_CS_ZS_NOOPS = MV_CS_NR_SET,	/* zsmalloc page not (yet) marked */
	MV_CS_BAD_TYPED,	/* other typed page with the movable-ops mark */
	MV_CS_BAD_TAIL,		/* movable-ops page that is a tail page */
	MV_CS_BUDDY_REPORTED,	/* buddy page: the bit is PG_reported */
	MV_CS_HUGETLB_UPTODATE,	/* hugetlb folio: the bit is PG_uptodate */
	MV_CS_NR,
	MV_CS_NONE = MV_CS_NR,	/* untyped, or typed and unmarked */
};

static const char * const mv_cs_names[MV_CS_NR] = {
	[MV_CS_BALLOON] = "balloon",
	[MV_CS_ZS] = "zsmalloc",
	[MV_CS_OFFLINE_NOOPS] = "offline_no_ops",
	[MV_CS_ZS_NOOPS] = "zsmalloc_no_ops",
	[MV_CS_BAD_TYPED] = "bad_typed_movable_ops",
	[MV_CS_BAD_TAIL] = "bad_tail_movable_ops",
	[MV_CS_BUDDY_REPORTED] = "buddy_reported",
	[MV_CS_HUGETLB_UPTODATE] = "hugetlb_uptodate",
};

/* PFN sets, one bitmap per kind, over [lo, hi). */
struct mv_cs_map {
	unsigned long lo, hi;
	unsigned long n[MV_CS_NR_SET];
	unsigned long *bits[MV_CS_NR_SET];
};

struct mv_cs_result {
	unsigned long zones, pfns;
	unsigned long count[MV_CS_NR];
	unsigned long still[MV_CS_NR_SET];	/* snapshot PFN, same kind now */
	unsigned long first[MV_CS_NR_SET], last[MV_CS_NR_SET];	/* PFN range */
};

static struct {
	struct mv_cs_map *snap;		/* the last snapshot, or NULL */
	unsigned long snapshots;
	/* The last targeted zsmalloc migration. */
	unsigned long zs_targets, zs_calls, zs_tries, zs_moved, zs_ebusy;
	unsigned long zs_gone;
	unsigned long zs_errors, zs_held_max;
	int zs_last_error;
} mv_cs;

static unsigned long mv_cs_span(const struct mv_cs_map *m)
{
	return m->hi - m->lo;
}

static void mv_cs_map_free(struct mv_cs_map *m)
{
	unsigned int k;

	if (!m)
		return;
	for (k = 0; k < MV_CS_NR_SET; k++)
		vfree(m->bits[k]);
	kfree(m);
}

/* The populated zones in node and zone order; NULL starts, NULL ends. */
static struct zone *mv_cs_next_zone(struct zone *zone)
{
	int nid = zone ? zone_to_nid(zone) : first_online_node;
	int z = zone ? zone_idx(zone) + 1 : 0;
	struct zone *next;

	for (; nid < MAX_NUMNODES; nid = next_online_node(nid), z = 0) {
		for (; z < MAX_NR_ZONES; z++) {
			next = &NODE_DATA(nid)->node_zones[z];
			if (populated_zone(next))
				return next;
		}
	}
	return NULL;
}

/* A map covering the spans of all populated zones now. */
static struct mv_cs_map *mv_cs_map_alloc(void)
{
	unsigned long lo = ULONG_MAX, hi = 0;
	struct mv_cs_map *m;
	struct zone *zone = NULL;
	unsigned int k;

	while ((zone = mv_cs_next_zone(zone))) {
		lo = min(lo, zone->zone_start_pfn);
		hi = max(hi, zone_end_pfn(zone));
	}
	if (hi <= lo)
		return NULL;
	m = kzalloc_obj(*m, GFP_KERNEL);
	if (!m)
		return NULL;
	m->lo = lo;
	m->hi = hi;
	for (k = 0; k < MV_CS_NR_SET; k++) {
		m->bits[k] = vzalloc(BITS_TO_LONGS(hi - lo) * sizeof(long));
		if (!m->bits[k]) {
			mv_cs_map_free(m);
			return NULL;
		}
	}
	return m;
}

/*
 * One look at a page.  Type and mark are each read once; the type is read
 * again after the mark, and a page whose type changed in between is not
 * classified this time (it is between two lives).
 */
static enum mv_cs_kind mv_cs_look(struct page *page)
{
	/* Lock-free on purpose: the page may change type under us. */
	unsigned int type = data_race(page->page_type);
	bool mark;

	if (!page_type_has_type(type))
		return MV_CS_NONE;
	mark = mv_page_movable_mark(page);
	/* Order the mark read before the type re-read below. */
	smp_rmb();
	/* Racy by design: a changed type means the page changed hands. */
	if (data_race(page->page_type) != type)
		return MV_CS_NONE;
	type >>= 24;
	if (type == PGTY_offline || type == PGTY_zsmalloc) {
		if (mark && PageTail(page))
			return MV_CS_BAD_TAIL;
		if (type == PGTY_offline)
			return mark ? MV_CS_BALLOON : MV_CS_OFFLINE_NOOPS;
		return mark ? MV_CS_ZS : MV_CS_ZS_NOOPS;
	}
	if (!mark)
		return MV_CS_NONE;
	/* The same bit under its other names (include/linux/page-flags.h). */
	if (type == PGTY_buddy)
		return MV_CS_BUDDY_REPORTED;
	if (type == PGTY_hugetlb)
		return MV_CS_HUGETLB_UPTODATE;
	return MV_CS_BAD_TYPED;
}

/* A breaker must still be one on two later looks. */
static enum mv_cs_kind mv_cs_classify(struct page *page)
{
	enum mv_cs_kind k = mv_cs_look(page);
	unsigned int i, type;

	if (k != MV_CS_BAD_TYPED && k != MV_CS_BAD_TAIL)
		return k;
	for (i = 0; i < 2; i++) {
		usleep_range(20, 40);
		if (mv_cs_look(page) != k)
			return MV_CS_NONE;
	}
	/* For the report only; the type was checked above. */
	type = data_race(page->page_type);
	pr_warn_ratelimited("census: %s at pfn %#lx (type %#x)\n",
			    mv_cs_names[k], page_to_pfn(page), type);
	return k;
}

/*
 * Walk every online PFN of every populated zone.  With @rec, record each
 * page's PFN in the set of its kind; with @cmp, count the PFNs of @cmp's
 * sets that hold a page of the same kind now.
 */
static int mv_cs_walk(struct mv_cs_result *r, struct mv_cs_map *rec,
		      const struct mv_cs_map *cmp)
{
	unsigned long pfn, bit;
	enum mv_cs_kind k;
	struct zone *zone = NULL;
	struct page *page;

	memset(r, 0, sizeof(*r));
	while ((zone = mv_cs_next_zone(zone))) {
		r->zones++;
		for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn++) {
			if (!(pfn % 1024)) {
				cond_resched();
				if (fatal_signal_pending(current))
					return -EINTR;
			}
			page = pfn_to_online_page(pfn);
			if (!page || page_zone(page) != zone)
				continue;
			r->pfns++;
			k = mv_cs_classify(page);
			if (k == MV_CS_NONE)
				continue;
			r->count[k]++;
			if (k >= MV_CS_NR_SET)
				continue;
			if (!r->first[k] || pfn < r->first[k])
				r->first[k] = pfn;
			r->last[k] = max(r->last[k], pfn);
			if (rec && pfn >= rec->lo && pfn < rec->hi) {
				set_bit(pfn - rec->lo, rec->bits[k]);
				rec->n[k]++;
			}
			if (cmp && pfn >= cmp->lo && pfn < cmp->hi) {
				bit = pfn - cmp->lo;
				if (test_bit(bit, cmp->bits[k]))
					r->still[k]++;
			}
		}
	}
	return 0;
}

static int mv_cs_snapshot(void)
{
	struct mv_cs_result r;
	struct mv_cs_map *m;
	int ret;

	m = mv_cs_map_alloc();
	if (!m)
		return -ENOMEM;
	ret = mv_cs_walk(&r, m, NULL);
	if (ret) {
		mv_cs_map_free(m);
		return ret;
	}
	mv_cs_map_free(mv_cs.snap);
	mv_cs.snap = m;
	mv_cs.snapshots++;
	return 0;
}

/* Is @pfn a zsmalloc page with movable ops just now? */
static bool mv_cs_is_zs(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	return page && mv_cs_look(page) == MV_CS_ZS;
}

/*
 * Migrate whatever sits in [pfn, pfn + n) by taking the range.  Taken PFNs
 * in ZONE_MOVABLE are kept (in @keep) until the round ends, so that no page
 * migrates onto a PFN this round has emptied and none is migrated twice;
 * elsewhere a kept page would make its pageblock unmovable for the next
 * attempt, so those are given back at once.
 */
static int mv_cs_take(const struct mv_cs_map *m, unsigned long *keep,
		      unsigned long pfn, unsigned long n)
{
	int ret = mv_alloc_contig_range(pfn, pfn + n, GFP_KERNEL | __GFP_NOWARN);

	if (ret)
		return ret;
	if (zone_idx(page_zone(pfn_to_page(pfn))) == ZONE_MOVABLE)
		bitmap_set(keep, pfn - m->lo, n);
	else
		free_contig_range(pfn, n);
	return 0;
}

/* Count one page's attempt. */
static void mv_cs_count(int ret)
{
	mv_cs.zs_tries++;
	if (!ret) {
		mv_cs.zs_moved++;
	} else if (ret == -EBUSY) {
		mv_cs.zs_ebusy++;
	} else {
		mv_cs.zs_errors++;
		mv_cs.zs_last_error = ret;
	}
}

/* Zero the figures of the targeted zsmalloc migration, for @targets. */
static void mv_cs_zs_reset(unsigned long targets)
{
	mv_cs.zs_targets = targets;
	mv_cs.zs_calls = 0;
	mv_cs.zs_tries = 0;
	mv_cs.zs_moved = 0;
	mv_cs.zs_ebusy = 0;
	mv_cs.zs_gone = 0;
	mv_cs.zs_errors = 0;
	mv_cs.zs_last_error = 0;
}

/*
 * Take the run of census zsmalloc pages (bits of @zs) that starts at bit
 * @bit, up to the end of its pageblock, in one call; if that fails, each
 * page on its own.  Returns the run's length.
 */
static unsigned long mv_cs_take_run(const struct mv_cs_map *m,
				    unsigned long *keep, const unsigned long *zs,
				    unsigned long bit)
{
	unsigned long pfn = m->lo + bit, n = 1, i, pb_end;
	int ret;

	pb_end = min(ALIGN(pfn + 1, pageblock_nr_pages), m->hi);
	while (pfn + n < pb_end && test_bit(bit + n, zs) &&
	       mv_cs_is_zs(pfn + n))
		n++;
	mv_cs.zs_calls++;
	ret = mv_cs_take(m, keep, pfn, n);
	if (!ret) {
		mv_cs.zs_tries += n;
		mv_cs.zs_moved += n;
	} else if (n == 1) {
		mv_cs_count(ret);
	} else {
		for (i = 0; i < n; i++) {
			if (!mv_cs_is_zs(pfn + i)) {
				mv_cs.zs_gone++;
				continue;
			}
			mv_cs.zs_calls++;
			mv_cs_count(mv_cs_take(m, keep, pfn + i, 1));
			cond_resched();
		}
	}
	return n;
}

/*
 * Migrate every zsmalloc page a fresh census finds with alloc_contig_range().
 * A PFN is taken only if it still holds a zsmalloc page with movable ops
 * just before (the window between that look and the isolation of its
 * pageblock is the only way another page can be touched).  Runs of such
 * PFNs within one pageblock go in one call; if a run fails, its pages are
 * tried one by one, so every figure is per page.
 */
static int mv_cs_migrate_zs(void)
{
	unsigned long bit, span, n = 1;
	unsigned long *keep, *zs;
	struct mv_cs_result r;
	struct mv_cs_map *m;
	int ret;

	m = mv_cs_map_alloc();
	if (!m)
		return -ENOMEM;
	span = mv_cs_span(m);
	keep = vzalloc(BITS_TO_LONGS(span) * sizeof(long));
	if (!keep) {
		mv_cs_map_free(m);
		return -ENOMEM;
	}
	ret = mv_cs_walk(&r, m, NULL);
	if (ret)
		goto out;
	zs = m->bits[MV_CS_ZS];
	mv_cs_zs_reset(m->n[MV_CS_ZS]);
	for (bit = find_first_bit(zs, span); bit < span;
	     bit = find_next_bit(zs, span, bit + n)) {
		n = 1;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (!mv_cs_is_zs(m->lo + bit)) {
			mv_cs.zs_gone++;
			continue;
		}
		n = mv_cs_take_run(m, keep, zs, bit);
		cond_resched();
	}
	mv_cs.zs_held_max = bitmap_weight(keep, span);
out:
	for_each_set_bit(bit, keep, span)
		free_contig_range(m->lo + bit, 1);
	vfree(keep);
	mv_cs_map_free(m);
	return ret;
}

static int mv_census_show(struct seq_file *sf, void *v)
{
	const struct mv_cs_map *snap;
	struct mv_cs_result r;
	unsigned int k;
	int ret;

	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	snap = mv_cs.snap;
	ret = mv_cs_walk(&r, NULL, snap);
	if (ret)
		goto out;
	seq_printf(sf, "zones %lu\n", r.zones);
	seq_printf(sf, "pfns %lu\n", r.pfns);
	for (k = 0; k < MV_CS_NR; k++)
		seq_printf(sf, "%s %lu\n", mv_cs_names[k], r.count[k]);
	seq_printf(sf, "snapshots %lu\n", mv_cs.snapshots);
	for (k = 0; k < MV_CS_NR_SET; k++) {
		seq_printf(sf, "first_pfn_%s %lu\n", mv_cs_names[k], r.first[k]);
		seq_printf(sf, "last_pfn_%s %lu\n", mv_cs_names[k], r.last[k]);
		seq_printf(sf, "snapshot_%s %lu\n", mv_cs_names[k],
			   snap ? snap->n[k] : 0);
		seq_printf(sf, "moved_%s %lu\n", mv_cs_names[k],
			   snap ? snap->n[k] - r.still[k] : 0);
	}
	seq_printf(sf, "zs_migrate_targets %lu\n", mv_cs.zs_targets);
	seq_printf(sf, "zs_migrate_calls %lu\n", mv_cs.zs_calls);
	seq_printf(sf, "zs_migrate_tries %lu\n", mv_cs.zs_tries);
	seq_printf(sf, "zs_migrate_moved %lu\n", mv_cs.zs_moved);
	seq_printf(sf, "zs_migrate_ebusy %lu\n", mv_cs.zs_ebusy);
	seq_printf(sf, "zs_migrate_gone %lu\n", mv_cs.zs_gone);
	seq_printf(sf, "zs_migrate_errors %lu\n", mv_cs.zs_errors);
	seq_printf(sf, "zs_migrate_last_error %d\n", mv_cs.zs_last_error);
	seq_printf(sf, "zs_migrate_held %lu\n", mv_cs.zs_held_max);
out:
	mutex_unlock(&mv.lock);
	return ret;
}

static int mv_census_open(struct inode *inode, struct file *file)
{
	return single_open_size(file, mv_census_show, NULL, 4096);
}

static ssize_t mv_census_snapshot_write(struct file *f, const char __user *ubuf,
					size_t len, loff_t *ppos)
{
	return mv_write_word_op(ubuf, len, "1", mv_cs_snapshot);
}

static ssize_t mv_census_migrate_write(struct file *f, const char __user *ubuf,
				       size_t len, loff_t *ppos)
{
	return mv_write_word_op(ubuf, len, "zsmalloc", mv_cs_migrate_zs);
}

static const struct file_operations mv_census_fops = {
	.owner = THIS_MODULE,
	.open = mv_census_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

MV_WO_FOPS(census_snapshot);
MV_WO_FOPS(census_migrate);

void mv_census_init(struct dentry *dir)
{
	debugfs_create_file("census", 0600, dir, NULL, &mv_census_fops);
	debugfs_create_file("census_snapshot", 0600, dir, NULL,
			    &mv_census_snapshot_fops);
	debugfs_create_file("census_migrate", 0600, dir, NULL,
			    &mv_census_migrate_fops);
}

/* After the debugfs files are gone: no census can be running. */
void mv_census_exit(void)
{
	mv_cs_map_free(mv_cs.snap);
	mv_cs.snap = NULL;
}
