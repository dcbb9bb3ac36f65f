// SPDX-License-Identifier: GPL-2.0
/*
 * migrate.c - the targeted rounds: alloc_contig_range() over each PFN of
 * the pages movops holds, every outcome counted, every -EBUSY explained
 * by its pageblock (pageblock.c), every page's resolution checked
 * (resolve.c) before and after.
 */
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "movops.h"

/* Count one -EBUSY of a balloon (@zs false) or zsmalloc page. */
static void mv_count_ebusy(bool zs, enum mv_pb_class cls, unsigned long pfn)
{
	bool explained = mv_ebusy_explained(cls, pfn);

	if (zs) {
		mv_inc(MV_C_zs_ebusy);
		mv_inc(explained ? MV_C_zs_ebusy_explained :
			MV_C_zs_ebusy_unexplained);
	} else {
		mv_inc(MV_C_balloon_ebusy);
		mv_inc(explained ? MV_C_balloon_ebusy_explained :
			MV_C_balloon_ebusy_unexplained);
	}
}

/* Force one held balloon page; whether it moved (our callback saw it go). */
static bool mv_migrate_bpage(struct mv_bpage *e, bool *clean)
{
	unsigned int moves0, moves1;
	unsigned long pfn, newpfn;
	enum mv_pb_class cls;
	int ret;

	mv_check_balloon_page(e);
	mv_check_balloon_ops_direct(e);
	pfn = mv_bpage_pfn(e, &moves0);
	cls = mv_classify_pageblock(pfn);
	*clean = cls == MV_PB_CLEAN;
	mv_inc(MV_C_balloon_migrate_tries);
	ret = mv_force_pfn(pfn);
	if (ret == -EBUSY) {
		mv_count_ebusy(false, cls, pfn);
	} else if (ret) {
		mv_inc(MV_C_balloon_errors);
		mv.last_balloon_error = ret;
	} else {
		newpfn = mv_bpage_pfn(e, &moves1);
		if (moves1 != moves0 && newpfn != pfn) {
			mv_inc(MV_C_balloon_migrated);
			mv_check_balloon_ops_direct(e);
			return true;
		}
		mv_inc(MV_C_balloon_not_moved);
		mv_inc(MV_C_balloon_errors);
	}
	return false;
}

/* One targeted round over every held balloon page. */
int mv_migrate_balloon(void)
{
	unsigned long clean = 0, migrated = 0;
	unsigned int i;
	bool c;

	for (i = 0; i < mv.bheld; i++) {
		if (fatal_signal_pending(current))
			return -EINTR;
		if (mv_migrate_bpage(mv.bpages[i], &c))
			migrated++;
		clean += c;
		cond_resched();
	}
	mv.last_balloon_targets = mv.bheld;
	mv.last_balloon_clean = clean;
	mv.last_balloon_migrated = migrated;
	return 0;
}

/*
 * The PFNs behind every held object, as they are (@old, two per object)
 * and as distinct targets (@targets); returns how many targets.
 */
static unsigned int mv_zs_targets(unsigned long *old, unsigned long *targets)
{
	unsigned int i, k, n = 0;

	for (i = 0; i < mv.zheld; i++) {
		for (k = 0; k < 2; k++) {
			old[2 * i + k] = mv.zobjs[i].pfn[k];
			if (mv.zobjs[i].pfn[k])
				targets[n++] = mv.zobjs[i].pfn[k];
		}
	}
	return mv_sort_unique(targets, n);
}

/* Force one page behind held objects; 0 if it was taken. */
static int mv_migrate_zpage(unsigned long pfn)
{
	enum mv_pb_class cls = mv_classify_pageblock(pfn);
	int ret;

	if (cls == MV_PB_CLEAN)
		mv.last_zs_clean++;
	if (mv_in_movable_zone(pfn))
		mv.last_zs_movable_zone++;
	mv_inc(MV_C_zs_migrate_tries);
	WRITE_ONCE(mv.zs_target_pfn, pfn);
	ret = mv_force_pfn(pfn);
	WRITE_ONCE(mv.zs_target_pfn, 0);
	if (!ret) {
		mv_inc(MV_C_zs_migrated);
	} else if (ret == -EBUSY) {
		mv_count_ebusy(true, cls, pfn);
	} else {
		mv_inc(MV_C_zs_errors);
		mv.last_zs_error = ret;
	}
	return ret;
}

/*
 * Every object that was on a page that moved (@moved, sorted) must now
 * live elsewhere; @old holds its PFNs from before the round.
 */
static void mv_zs_count_objects(const unsigned long *old,
				const unsigned long *moved, unsigned int nmoved)
{
	unsigned int i, k;
	bool expect, ok;

	mv_zs_refresh_pfns(false);
	for (i = 0; i < mv.zheld; i++) {
		expect = false;
		ok = true;
		for (k = 0; k < 2; k++) {
			if (!mv_sorted_has(moved, nmoved, old[2 * i + k]))
				continue;
			expect = true;
			if (mv.zobjs[i].pfn[k] == old[2 * i + k])
				ok = false;
		}
		if (!expect)
			continue;
		if (ok) {
			mv.last_zs_objects_moved++;
			mv_inc(MV_C_zs_objects_moved);
		} else {
			mv_inc(MV_C_zs_objects_not_moved);
		}
	}
}

/*
 * One targeted round over every page behind a held zsmalloc object:
 * migrate each page once, then check that every object on a migrated page
 * now lives elsewhere and that all objects read back intact.
 */
int mv_migrate_zs(void)
{
	unsigned long *old, *targets, *moved;
	unsigned int i, n, nmoved = 0;

	mv.last_zs_targets = 0;
	mv.last_zs_clean = 0;
	mv.last_zs_migrated = 0;
	mv.last_zs_objects = mv.zheld;
	mv.last_zs_objects_moved = 0;
	mv.last_zs_movable_zone = 0;
	if (!mv.zheld)
		return 0;
	old = kvcalloc(6 * (size_t)mv.zheld, sizeof(*old), GFP_KERNEL);
	if (!old)
		return -ENOMEM;
	targets = old + 2 * mv.zheld;
	moved = targets + 2 * mv.zheld;

	mv_zs_refresh_pfns(true);
	mv_zs_check_ops_direct();
	n = mv_zs_targets(old, targets);
	for (i = 0; i < n && !fatal_signal_pending(current); i++) {
		/* moved[] stays sorted: targets[] is walked in order. */
		if (!mv_migrate_zpage(targets[i]))
			moved[nmoved++] = targets[i];
		cond_resched();
	}
	mv_zs_count_objects(old, moved, nmoved);
	mv_zs_verify();
	mv_zs_check_ops_direct();

	mv.last_zs_targets = n;
	mv.last_zs_migrated = nmoved;
	kvfree(old);
	return i < n ? -EINTR : 0;
}
