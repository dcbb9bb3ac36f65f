// SPDX-License-Identifier: GPL-2.0
/*
 * pages.c - a page of each kind the truth table of page_has_movable_ops()
 * asks about, each given back by a KUnit action.
 */
#include "movops_kunit.h"

#include <linux/pagemap.h>

void mk_free_page_action(void *data)
{
	__free_page((struct page *)data);
}

static void mk_put_page_action(void *data)
{
	put_page((struct page *)data);
}

static void mk_free_offline_action(void *data)
{
	struct page *page = data;

	__folio_clear_offline(page_folio(page));
	__free_page(page);
}

static void mk_free_order1_action(void *data)
{
	__free_pages((struct page *)data, 1);
}

static struct page *mk_alloc_page(struct kunit *test, gfp_t gfp)
{
	struct page *page = alloc_page(gfp);

	KUNIT_ASSERT_NOT_NULL(test, page);
	return page;
}

/* A page of @kind, owned by the test until it ends. */
struct page *mk_test_page(struct kunit *test, enum mk_kind kind)
{
	struct mk_balloon *mb;
	struct mk_zpool *zp;
	struct page *page;
	LIST_HEAD(pages);

	switch (kind) {
	case MK_BALLOON:
	case MK_BALLOON_DEFLATED:
		mb = mk_balloon_create(test);
		page = mk_alloc_page(test, GFP_HIGHUSER_MOVABLE);
		mk_balloon_fill(test, mb, page_to_pfn(page), 1);
		if (kind == MK_BALLOON)
			break;
		KUNIT_ASSERT_EQ(test, mk_balloon_deflate(mb, &pages), 1);
		page = list_first_entry(&pages, struct page, lru);
		list_del(&page->lru);
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test, mk_put_page_action, page));
		KUNIT_EXPECT_EQ(test, mv_balloon_page_dev(page), 0);
		break;
	case MK_ZSMALLOC:
		if (!MV_HAVE_ZS_OBJ_PFNS)
			kunit_skip(test, "precondition: %s",
				   MV_NO_ZS_OBJ_PFNS_REASON);
		zp = mk_zpool_create(test, 200, 1, false);
		page = pfn_to_page(zp->obj[0].pfn[0]);
		break;
	case MK_PLAIN:
	case MK_UPTODATE:
		page = mk_alloc_page(test, GFP_KERNEL);
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test, mk_free_page_action, page));
		if (kind == MK_UPTODATE)
			folio_mark_uptodate(page_folio(page));
		break;
	case MK_OFFLINE_NO_OPS:
		page = mk_alloc_page(test, GFP_KERNEL);
		__folio_set_offline(page_folio(page));
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test, mk_free_offline_action, page));
		break;
	case MK_COMPOUND_TAIL:
		page = alloc_pages(GFP_KERNEL | __GFP_COMP, 1);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test, mk_free_order1_action, page));
		/* The head's flags are what a tail page's flag tests read. */
		folio_mark_uptodate(page_folio(page));
		page++;
		break;
	default:
		KUNIT_FAIL(test, "unknown kind %d", kind);
		return NULL;
	}
	return page;
}
