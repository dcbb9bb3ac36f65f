// SPDX-License-Identifier: GPL-2.0
/*
 * zsmalloc_test.c - movops_zsmalloc: objects of several size classes, the
 * targeted migration of every page behind them, data intact, PFNs changed;
 * a page whose zspage is being read stays put until the read ends.
 */
#include "movops_kunit.h"

#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>

/* The zspage layout a case is for, checked before and after migration. */
enum mk_zs_layout {
	MK_ZS_ANY,
	MK_ZS_CROSSING,		/* some objects span two pages */
	MK_ZS_ONE_PER_PAGE,	/* each object alone on a page of its own */
};

struct mk_zs_param {
	unsigned int size;		/* 0: the first huge class; else for 4 KiB pages */
	enum mk_zs_layout layout;
	char desc[32];
};

static const struct mk_zs_param mk_zs_params[] = {
	{ 32, MK_ZS_ANY, "size_32" },
	{ 200, MK_ZS_ANY, "size_200" },
	{ 1000, MK_ZS_ANY, "size_1000" },
	{ 2500, MK_ZS_CROSSING, "size_2500_page_crossing" },
	{ 0, MK_ZS_ONE_PER_PAGE, "huge_class" },
};

KUNIT_ARRAY_PARAM_DESC(mk_zs, mk_zs_params, desc);

/*
 * A case's size is given for 4 KiB pages and scaled with the page size
 * (64 KiB pages: 16 times), so that each case keeps its zspage layout
 * (size_2500_page_crossing still crosses pages) on every page size.
 */
static unsigned int mk_zs_size(const struct mk_zs_param *p)
{
	return p->size * (PAGE_SIZE / SZ_4K);
}

/* Enough objects to fill a few pages, whatever the class. */
static unsigned int mk_zs_nobj(unsigned int size)
{
	if (!size)
		return 8;
	return clamp_t(unsigned int, 4 * PAGE_SIZE / size, 8, MK_ZS_MAX_OBJS);
}

/* Objects of @zp whose data spans two pages. */
static unsigned int mk_zs_crossing(struct mk_zpool *zp)
{
	unsigned int i, n = 0;

	for (i = 0; i < zp->nobj; i++)
		n += zp->obj[i].pfn[1] != 0;
	return n;
}

/* Distinct pages the objects start on. */
static unsigned int mk_zs_first_pages(struct kunit *test, struct mk_zpool *zp)
{
	unsigned long *v;
	unsigned int i;

	v = kunit_kcalloc(test, zp->nobj, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	for (i = 0; i < zp->nobj; i++)
		v[i] = zp->obj[i].pfn[0];
	i = mv_sort_unique(v, zp->nobj);
	kunit_kfree(test, v);
	return i;
}

/*
 * The case's layout holds on this page size (64 KiB pages give every
 * class other zspages): objects of the page-crossing case span two pages,
 * the huge class's objects each sit alone on a one-page zspage.
 */
static void mk_zs_expect_layout(struct kunit *test, const struct mk_zs_param *p,
				struct mk_zpool *zp, const char *when)
{
	unsigned int crossing = mk_zs_crossing(zp);

	if (p->layout == MK_ZS_CROSSING)
		KUNIT_EXPECT_GT_MSG(test, crossing, 0,
				    "%s: no object of %u bytes spans two %lu-byte pages",
				    when, zp->size, PAGE_SIZE);
	if (p->layout != MK_ZS_ONE_PER_PAGE)
		return;
	KUNIT_EXPECT_EQ_MSG(test, crossing, 0, "%s: huge objects (%u bytes) span pages",
			    when, zp->size);
	KUNIT_EXPECT_EQ_MSG(test, mk_zs_first_pages(test, zp), zp->nobj,
			    "%s: %u huge objects (%u bytes) do not each have a page",
			    when, zp->nobj, zp->size);
	KUNIT_EXPECT_EQ(test, zs_get_total_pages(zp->pool), zp->nobj);
}

/*
 * Without CONFIG_COMPACTION (MV_HAVE_ZS_MIGRATION 0) zsmalloc gives its
 * pages no movable ops and takes them without __GFP_MOVABLE: each page
 * must be refused (-EBUSY) and keep its objects, which read back intact.
 */
static void mk_zs_expect_refused(struct kunit *test, struct mk_zpool *zp)
{
	unsigned int i, refused = 0, moved = 0, bad;
	unsigned long pfn;

	for (i = 0; i < zp->npfn; i++) {
		pfn = zp->pfns[i];
		KUNIT_EXPECT_FALSE_MSG(test, mv_page_has_movable_ops(pfn_to_page(pfn)),
				       "pfn %#lx has movable ops", pfn);
		refused += mk_migrate_pfn_quiet(pfn) == -EBUSY;
	}
	KUNIT_EXPECT_EQ_MSG(test, refused, zp->npfn, "pages not refused with -EBUSY");
	for (i = 0; i < zp->nobj; i++) {
		pfn = zp->obj[i].pfn[0];
		mv_zs_obj_pfns(zp->pool, zp->obj[i].handle, zp->size, zp->obj[i].pfn);
		moved += zp->obj[i].pfn[0] != pfn;
	}
	KUNIT_EXPECT_EQ_MSG(test, moved, 0, "objects left their page");
	KUNIT_EXPECT_TRUE_MSG(test, mk_zpool_verify(zp, &bad),
			      "%u of %u objects corrupt after the refused migrations",
			      bad, zp->nobj);
}

static void zs_targeted_migration_keeps_data(struct kunit *test)
{
	const struct mk_zs_param *p = test->param_value;
	unsigned int i, j, k, stale = 0, bad, crossing;
	unsigned long pages, *old;
	struct mk_zpool *zp;

	if (!MV_HAVE_ZS_OBJ_PFNS)
		kunit_skip(test, "precondition: %s",
			   MV_NO_ZS_OBJ_PFNS_REASON);

	zp = mk_zpool_create(test, mk_zs_size(p), mk_zs_nobj(mk_zs_size(p)), true);
	KUNIT_ASSERT_TRUE_MSG(test, mk_zpool_verify(zp, &bad),
			      "%u objects corrupt before any migration", bad);
	KUNIT_ASSERT_GT(test, zp->npfn, 0);
	crossing = mk_zs_crossing(zp);
	kunit_info(test, "%u objects of %u bytes on %u pages (page size %lu, huge class %zu), %u spanning two pages, %u from the primed range\n",
		   zp->nobj, zp->size, zp->npfn, PAGE_SIZE,
		   zs_huge_class_size(zp->pool), crossing, zp->in_prime);
	mk_zs_expect_layout(test, p, zp, "before migration");
	if (!MV_HAVE_ZS_MIGRATION) {
		mk_zs_expect_refused(test, zp);
		return;
	}
	pages = zs_get_total_pages(zp->pool);
	old = kunit_kcalloc(test, zp->npfn, sizeof(*old), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, old);

	KUNIT_EXPECT_EQ(test, mk_zpool_migrate_all(test, zp, old), zp->npfn);
	for (i = 0; i < zp->nobj; i++)
		for (j = 0; j < 2; j++)
			for (k = 0; zp->obj[i].pfn[j] && k < zp->npfn; k++)
				stale += zp->obj[i].pfn[j] == old[k];
	KUNIT_EXPECT_EQ_MSG(test, stale, 0, "objects still on a migrated-from page");
	KUNIT_EXPECT_TRUE_MSG(test, mk_zpool_verify(zp, &bad),
			      "%u of %u objects corrupt after migration", bad, zp->nobj);
	KUNIT_EXPECT_EQ(test, zs_get_total_pages(zp->pool), pages);
	KUNIT_EXPECT_EQ_MSG(test, mk_zs_crossing(zp), crossing,
			    "objects spanning two pages before and after migration");
	mk_zs_expect_layout(test, p, zp, "after migration");
}

/*
 * The read is held by a kthread of its own, never by the thread that
 * migrates: a migrating thread that held it would take the pool lock inside
 * the zspage lock, against zsmalloc's lock order (pool->lock, then
 * zspage->lock), and lockdep rightly reports that.  The reader takes the
 * zspage lock and sleeps until released; zs_page_migrate() elsewhere only
 * trylocks it.
 */
struct mk_zs_hold {
	struct zs_pool *pool;
	unsigned long handle;
	size_t len;
	struct scatterlist sg[2];
	struct completion held, release, done;
};

static int mk_zs_reader(void *data)
{
	struct mk_zs_hold *h = data;

	mv_zs_read_hold(h->pool, h->handle, h->sg, h->len);
	complete(&h->held);
	wait_for_completion(&h->release);
	mv_zs_read_release(h->pool, h->handle);
	complete(&h->done);
	return 0;
}

static void mk_zs_hold_release(void *data)
{
	struct mk_zs_hold *h = data;

	complete(&h->release);
	wait_for_completion(&h->done);
}

/*
 * A reader between zs_obj_read_sg_begin() and zs_obj_read_sg_end() holds
 * its zspage's read lock; zs_page_migrate() only trylocks it for writing
 * and answers -EBUSY, so a page of that zspage stays where it is, its
 * objects intact.  Once the read ends, the same page migrates.
 */
static void zs_read_held_blocks_migration(struct kunit *test)
{
	struct task_struct *reader;
	struct mk_zs_hold *h;
	unsigned long pfn, pages;
	struct mk_zpool *zp;
	unsigned int bad;

	if (!MV_HAVE_ZS_READ_HOLD)
		kunit_skip(test, "precondition: %s", MV_NO_ZS_READ_HOLD_REASON);
	if (!MV_HAVE_ZS_MIGRATION)
		kunit_skip(test, "precondition: %s", MV_NO_ZS_MIGRATION_REASON);
	zp = mk_zpool_create(test, 200, mk_zs_nobj(200), true);
	KUNIT_ASSERT_TRUE_MSG(test, mk_zpool_verify(zp, &bad),
			      "%u objects corrupt before any migration", bad);
	pfn = zp->obj[0].pfn[0];
	KUNIT_ASSERT_NE(test, pfn, 0);
	pages = zs_get_total_pages(zp->pool);
	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->pool = zp->pool;
	h->handle = zp->obj[0].handle;
	h->len = zp->size;
	init_completion(&h->held);
	init_completion(&h->release);
	init_completion(&h->done);

	reader = kthread_run(mk_zs_reader, h, "movops_zs_reader");
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(reader), "reader kthread: %ld",
			       PTR_ERR(reader));
	wait_for_completion(&h->held);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, mk_zs_hold_release, h));
	KUNIT_EXPECT_EQ(test, page_to_pfn(sg_page(&h->sg[0])), pfn);
	KUNIT_EXPECT_EQ_MSG(test, mk_migrate_pfn_quiet(pfn), -EBUSY,
			    "pfn %#lx migrated under a held read", pfn);
	KUNIT_EXPECT_TRUE(test, mv_zs_page_typed(pfn_to_page(pfn)));
	KUNIT_EXPECT_FALSE(test, mv_page_ops_isolated(pfn_to_page(pfn)));
	kunit_release_action(test, mk_zs_hold_release, h);

	mk_zpool_refresh(zp);
	KUNIT_EXPECT_EQ_MSG(test, zp->obj[0].pfn[0], pfn,
			    "the object left its page while it was being read");
	KUNIT_EXPECT_TRUE_MSG(test, mk_zpool_verify(zp, &bad),
			      "%u of %u objects corrupt after the refused migration",
			      bad, zp->nobj);

	KUNIT_EXPECT_EQ(test, mk_migrate_pfn(pfn), 0);
	mk_zpool_refresh(zp);
	KUNIT_EXPECT_NE(test, zp->obj[0].pfn[0], pfn);
	KUNIT_EXPECT_TRUE_MSG(test, mk_zpool_verify(zp, &bad),
			      "%u of %u objects corrupt after migration", bad, zp->nobj);
	KUNIT_EXPECT_EQ(test, zs_get_total_pages(zp->pool), pages);
}

static struct kunit_case movops_zsmalloc_cases[] = {
	KUNIT_CASE_PARAM(zs_targeted_migration_keeps_data, mk_zs_gen_params),
	KUNIT_CASE(zs_read_held_blocks_migration),
	{}
};

static struct kunit_suite movops_zsmalloc_suite = {
	.name = "movops_zsmalloc",
	.test_cases = movops_zsmalloc_cases,
};

kunit_test_suites(&movops_zsmalloc_suite);
