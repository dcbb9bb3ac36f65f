// SPDX-License-Identifier: GPL-2.0
/*
 * negative_test.c - movops_negative: a page that must not move makes
 * alloc_contig_range() over it fail and runs no driver callback.
 *
 * An -EBUSY proves nothing by itself: the page under test shares its clean
 * pageblock with balloon pages of our own, and while it is still there,
 * held, one of them must migrate from that same pageblock (the positive
 * control, as module/nonmovable.c does it): the pageblock isolates, so the
 * -EBUSY was the victim's own.  That needs ZONE_MOVABLE, where isolation
 * accepts an unmovable page that is not PageReserved (page_is_unmovable()
 * in mm/page_isolation.c); elsewhere the victim makes its whole pageblock
 * unisolatable and the test would prove nothing: it skips.
 */
#include "movops_kunit.h"

#include <linux/pageblock-flags.h>

#define MK_NEG_PAGES	16

enum mk_victim {
	MK_V_PLAIN,		/* no type, no movable ops */
	MK_V_OFFLINE,		/* PageOffline without movable ops */
	MK_V_DEFLATED,		/* movable ops, but no longer in a balloon */
};

struct mk_neg_param {
	enum mk_victim victim;
	char desc[40];
};

static const struct mk_neg_param mk_neg_params[] = {
	{ MK_V_PLAIN, "plain_page" },
	{ MK_V_OFFLINE, "offline_page_without_ops" },
	{ MK_V_DEFLATED, "deflated_balloon_page" },
};

KUNIT_ARRAY_PARAM_DESC(mk_neg, mk_neg_params, desc);

struct mk_victim_page {
	struct page *page;
	enum mk_victim victim;
	bool owned;		/* still ours to free */
};

static void mk_victim_release(struct mk_victim_page *v)
{
	if (!v->owned)
		return;
	v->owned = false;
	if (v->victim == MK_V_OFFLINE)
		__folio_clear_offline(page_folio(v->page));
	put_page(v->page);
}

static void mk_victim_action(void *data)
{
	mk_victim_release(data);
}

/*
 * The victim (the first page of a clean range of ZONE_MOVABLE, held by us,
 * made what @p asks for, through @mb_old if a deflated balloon page) and
 * the controls (the rest of the range, in @mb).  Returns the range's
 * first PFN.
 */
static unsigned long mk_neg_setup(struct kunit *test,
				  const struct mk_neg_param *p,
				  struct mk_balloon *mb, struct mk_balloon *mb_old,
				  struct mk_victim_page *v)
{
	unsigned long base;
	LIST_HEAD(pages);

	base = mk_clean_range(test, MK_NEG_PAGES);
	if (zone_idx(page_zone(pfn_to_page(base))) != ZONE_MOVABLE) {
		free_contig_range(base, MK_NEG_PAGES);
		kunit_skip(test,
			   "precondition: clean range %#lx is in zone %s, not ZONE_MOVABLE: a held unmovable page blocks isolation of its pageblock there, so no positive control can move beside it",
			   base, page_zone(pfn_to_page(base))->name);
	}
	v->page = pfn_to_page(base);
	v->victim = p->victim;
	v->owned = true;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, mk_victim_action, v));
	mk_balloon_fill(test, mb, base + 1, MK_NEG_PAGES - 1);

	switch (p->victim) {
	case MK_V_PLAIN:
		break;
	case MK_V_OFFLINE:
		__folio_set_offline(page_folio(v->page));
		break;
	case MK_V_DEFLATED:
		/* Through another balloon of ours and out again. */
		v->owned = false;
		mk_balloon_fill(test, mb_old, base, 1);
		KUNIT_ASSERT_EQ(test, mk_balloon_deflate(mb_old, &pages), 1);
		KUNIT_ASSERT_PTR_EQ(test, list_first_entry(&pages, struct page, lru),
				    v->page);
		list_del(&v->page->lru);
		v->owned = true;
		break;
	}
	return base;
}

static void negative_unmovable_page_stays(struct kunit *test)
{
	const struct mk_neg_param *p = test->param_value;
	struct mk_balloon *mb, *mb_old;
	struct mk_victim_page *v;
	unsigned long base, pfn;
	unsigned int calls;
	bool deflated_typed;
	int ref, ret;

	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	mb = mk_balloon_create(test);
	mb_old = mk_balloon_create(test);
	base = mk_neg_setup(test, p, mb, mb_old, v);
	/*
	 * A deflated page stays PageOffline with its ops where they are a
	 * page flag (7.x); 6.12's balloon_page_finalize() clears both, and
	 * leaves page->mapping == PAGE_MAPPING_MOVABLE with no ops table.
	 */
	deflated_typed = p->victim == MK_V_DEFLATED && MV_DEFLATED_BALLOON_KEEPS_OPS;
	KUNIT_ASSERT_EQ(test, mv_page_has_movable_ops(v->page), deflated_typed);

	pfn = page_to_pfn(v->page);
	ref = page_ref_count(v->page);
	calls = mk_balloon_calls(mb) + mk_balloon_calls(mb_old);
	ret = mk_migrate_pfn_quiet(pfn);
	if (!ret)
		v->owned = false;	/* the range is ours now, and freed */
	KUNIT_EXPECT_NE_MSG(test, ret, 0, "pfn %#lx moved", pfn);
	KUNIT_EXPECT_EQ(test, mk_balloon_calls(mb) + mk_balloon_calls(mb_old), calls);
	KUNIT_EXPECT_EQ(test, page_ref_count(v->page), ref);
	KUNIT_EXPECT_EQ(test, PageOffline(v->page),
			p->victim == MK_V_OFFLINE || deflated_typed);
	KUNIT_EXPECT_EQ(test, mk_balloon_list_len(mb), mk_balloon_held(mb));
	KUNIT_EXPECT_EQ(test, mk_balloon_held(mb), MK_NEG_PAGES - 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(mb->tb.b.isolated_pages), 0);

	/*
	 * Positive control, the victim still held: a balloon page of the same
	 * pageblock migrates, so the pageblock isolated and the refusal was
	 * the victim's.
	 */
	KUNIT_EXPECT_TRUE(test, v->owned);
	pfn = mk_balloon_slot_pfn(mb, 0);
	KUNIT_EXPECT_EQ(test, pageblock_start_pfn(pfn), pageblock_start_pfn(base));
	KUNIT_EXPECT_EQ_MSG(test, mk_migrate_pfn(pfn), 0,
			    "control pfn %#lx in the victim's pageblock did not move", pfn);
	KUNIT_EXPECT_EQ(test, mk_balloon_calls(mb), calls + 1);
	if (v->owned)
		KUNIT_EXPECT_EQ(test, page_ref_count(v->page), ref);
	mk_victim_release(v);
}

static struct kunit_case movops_negative_cases[] = {
	KUNIT_CASE_PARAM(negative_unmovable_page_stays, mk_neg_gen_params),
	{}
};

static struct kunit_suite movops_negative_suite = {
	.name = "movops_negative",
	.test_cases = movops_negative_cases,
};

kunit_test_suites(&movops_negative_suite);
