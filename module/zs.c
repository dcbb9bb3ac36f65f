// SPDX-License-Identifier: GPL-2.0
/*
 * zs.c - a zsmalloc pool of movops' own: objects over several size
 * classes, each filled with a pattern derived from its identity plus a
 * checksum, and the page(s) behind every object.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "movops.h"

/* Movable, like zram: the pages land in movable pageblocks. */
#define MV_ZS_GFP	(GFP_NOIO | __GFP_NOWARN | __GFP_HIGHMEM | __GFP_MOVABLE)
#define MV_ZS_MIN_SIZE	MV_PATTERN_MIN
#define MV_ZS_CLASS_BITS	4096
/* cond_resched() once per this many objects. */
#define MV_RESCHED_MASK		255

/*
 * Sizes cycled through when "zs_alloc N" gives no size: small, medium,
 * two that cross page boundaries inside multi-page zspages, and (0) the
 * first huge class, one object per page. Given for 4 KiB pages and scaled
 * with the page size (64 KiB pages: 512 to 40000 bytes), so that the same
 * zspage layouts, page-crossing objects included, occur on every page size.
 */
static const unsigned int mv_zs_sizes[] = { 32, 200, 1000, 2500, 0 };

static unsigned int mv_zs_cycle_size(unsigned int id)
{
	unsigned int sz = mv_zs_sizes[id % ARRAY_SIZE(mv_zs_sizes)];

	if (!sz)
		return min_t(size_t, mv_zs_huge_size(), PAGE_SIZE);
	return sz * (PAGE_SIZE / SZ_4K);
}

size_t mv_zs_huge_size(void)
{
	return zs_huge_class_size(mv.pool);
}

unsigned long mv_zs_pool_pages(void)
{
	return mv.pool ? zs_get_total_pages(mv.pool) : 0;
}

bool mv_zs_obj_refresh(struct mv_zobj *o)
{
	return mv_zs_obj_pfns(mv.pool, o->handle, o->size, o->pfn);
}

/*
 * Re-read the pages behind every object.  With @check, also count the
 * page_has_movable_ops() truth-table check on them (done under the
 * zspage lock, so a concurrent migration cannot make it a false alarm).
 */
void mv_zs_refresh_pfns(bool check)
{
	unsigned int i;
	bool typed;

	for (i = 0; i < mv.zheld; i++) {
		typed = mv_zs_obj_refresh(&mv.zobjs[i]);
		if (check) {
			mv_inc(MV_C_has_movable_ops_checked);
			if (!typed) {
				mv_inc(MV_C_has_movable_ops_bad);
				pr_warn_ratelimited("held zsmalloc object %u: page without movable ops\n",
						    mv.zobjs[i].id);
			}
		}
		if (!(i & MV_RESCHED_MASK))
			cond_resched();
	}
}

static void mv_zs_free_last(unsigned int n)
{
	while (n--) {
		struct mv_zobj *o = &mv.zobjs[--mv.zheld];

		zs_free(mv.pool, o->handle);
		if (mv.corrupted == mv.zheld)
			mv.corrupted = -1;
		memset(o, 0, sizeof(*o));
	}
}

/*
 * Allocate n objects of @size bytes, or over the size cycle if @size is 0.
 * All or nothing: on failure the objects of this call are freed again.
 */
int mv_zs_alloc(unsigned int n, unsigned int size)
{
	unsigned int i, sz;
	unsigned long h;
	struct mv_zobj *o;

	if (!n)
		return -EINVAL;
	if (size && (size < MV_ZS_MIN_SIZE || size > PAGE_SIZE))
		return -EINVAL;
	if (n > mv.zcap - mv.zheld)
		return -ENOSPC;
	for (i = 0; i < n; i++) {
		sz = size ? size : mv_zs_cycle_size(mv.next_id);
		h = mv_zs_malloc(mv.pool, sz, MV_ZS_GFP);
		if (IS_ERR_VALUE(h) || !h) {
			mv_zs_free_last(i);
			return -ENOMEM;
		}
		o = &mv.zobjs[mv.zheld++];
		o->handle = h;
		o->size = sz;
		o->id = mv.next_id++;
		mv_pattern_fill(mv.buf_a, o->id, sz);
		mv_zs_write(mv.pool, h, mv.buf_a, sz);
		mv_zs_obj_refresh(o);
		o->snap_pfn[0] = o->pfn[0];
		o->snap_pfn[1] = o->pfn[1];
		cond_resched();
	}
	mv_add(MV_C_zs_allocated, n);
	return 0;
}

int mv_zs_free(unsigned int n)
{
	if (!n || n > mv.zheld)
		return -EINVAL;
	mv_zs_free_last(n);
	mv_add(MV_C_zs_freed, n);
	return 0;
}

static bool mv_zs_check(struct mv_zobj *o)
{
	/* buf_b is the bounce buffer for page-crossing objects first. */
	mv_zs_read(mv.pool, o->handle, mv.buf_a, o->size, mv.buf_b);
	return mv_pattern_ok(mv.buf_a, o->id, o->size, mv.buf_b);
}

/* Read back every object; returns the number of mismatches. */
unsigned int mv_zs_verify(void)
{
	unsigned int i, bad = 0;

	for (i = 0; i < mv.zheld; i++) {
		if (!mv_zs_check(&mv.zobjs[i]))
			bad++;
		if (!(i & MV_RESCHED_MASK))
			cond_resched();
	}
	mv_add(MV_C_zs_verified, mv.zheld);
	mv_add(MV_C_zs_verify_fail, bad);
	return bad;
}

/* Test of the tests: flip the first bytes of one held object. */
int mv_zs_corrupt(void)
{
	struct mv_zobj *o;
	u8 *p = mv.buf_a;
	unsigned int i;

	if (!mv.zheld)
		return -ENOENT;
	if (mv.corrupted >= 0)
		return 0;
	mv.corrupted = mv.zheld / 2;
	o = &mv.zobjs[mv.corrupted];
	mv_zs_read(mv.pool, o->handle, p, o->size, mv.buf_b);
	for (i = 0; i < min(o->size, 16u); i++)
		p[i] ^= 0xff;
	mv_zs_write(mv.pool, o->handle, p, o->size);
	mv_inc(MV_C_zs_corrupted);
	return 0;
}

/* Restore the object mv_zs_corrupt() damaged, if still held. */
void mv_zs_uncorrupt(void)
{
	struct mv_zobj *o;

	if (mv.corrupted < 0 || mv.corrupted >= mv.zheld) {
		mv.corrupted = -1;
		return;
	}
	o = &mv.zobjs[mv.corrupted];
	mv_pattern_fill(mv.buf_a, o->id, o->size);
	mv_zs_write(mv.pool, o->handle, mv.buf_a, o->size);
	mv.corrupted = -1;
}

/* Number of distinct zsmalloc size classes among the held objects. */
unsigned int mv_zs_classes_held(void)
{
	unsigned long *seen;
	unsigned int i, idx, n;

	seen = bitmap_zalloc(MV_ZS_CLASS_BITS, GFP_KERNEL);
	if (!seen)
		return 0;
	for (i = 0; i < mv.zheld; i++) {
		idx = zs_lookup_class_index(mv.pool, mv.zobjs[i].size);
		if (idx < MV_ZS_CLASS_BITS)
			__set_bit(idx, seen);
	}
	n = bitmap_weight(seen, MV_ZS_CLASS_BITS);
	bitmap_free(seen);
	return n;
}

int mv_zs_init(void)
{
	mv.corrupted = -1;
	mv.buf_a = kmalloc(PAGE_SIZE, GFP_KERNEL);
	mv.buf_b = kmalloc(PAGE_SIZE, GFP_KERNEL);
	mv.zobjs = kvcalloc(mv.zcap, sizeof(*mv.zobjs), GFP_KERNEL);
	mv.pool = zs_create_pool("movops");
	if (!mv.buf_a || !mv.buf_b || !mv.zobjs || !mv.pool) {
		mv_zs_exit();
		return -ENOMEM;
	}
	return 0;
}

void mv_zs_exit(void)
{
	if (mv.pool) {
		mv_zs_free_last(mv.zheld);
		zs_destroy_pool(mv.pool);
		mv.pool = NULL;
	}
	kvfree(mv.zobjs);
	mv.zobjs = NULL;
	kfree(mv.buf_b);
	mv.buf_b = NULL;
	kfree(mv.buf_a);
	mv.buf_a = NULL;
}
