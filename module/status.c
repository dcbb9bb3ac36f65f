// SPDX-License-Identifier: GPL-2.0
/*
 * status.c - the read-only files: "counters" (every event counter, then
 * the figures that describe the current state) and "blocks" (the memory
 * blocks holding our pages).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/memory.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/virtio_balloon.h>

#include "movops.h"

static void mv_put(struct seq_file *m, const char *name, long v)
{
	seq_printf(m, "%s %ld\n", name, v);
}

/* What the last targeted rounds found. */
static void mv_put_last(struct seq_file *m)
{
	mv_put(m, "last_balloon_targets", mv.last_balloon_targets);
	mv_put(m, "last_balloon_clean", mv.last_balloon_clean);
	mv_put(m, "last_balloon_migrated", mv.last_balloon_migrated);
	mv_put(m, "last_zs_targets", mv.last_zs_targets);
	mv_put(m, "last_zs_clean", mv.last_zs_clean);
	mv_put(m, "last_zs_movable_zone", mv.last_zs_movable_zone);
	mv_put(m, "last_zs_migrated", mv.last_zs_migrated);
	mv_put(m, "last_zs_objects", mv.last_zs_objects);
	mv_put(m, "last_zs_objects_moved", mv.last_zs_objects_moved);
	mv_put(m, "last_balloon_error", mv.last_balloon_error);
	mv_put(m, "last_zs_error", mv.last_zs_error);
}

/*
 * virtio_balloon's target and holding in the device's units, and the unit
 * (VIRTIO_BALLOON_PFN_SHIFT); -1 each without a virtio balloon.
 */
static void mv_put_vballoon(struct seq_file *m)
{
	struct mv_vballoon vb;
	bool ok = !mv_vballoon_read(&vb);

	mv_put(m, "virtio_balloon_num_pages", ok ? vb.num_pages : -1);
	mv_put(m, "virtio_balloon_actual", ok ? vb.actual : -1);
	mv_put(m, "virtio_balloon_unit_bytes",
	       ok ? 1L << VIRTIO_BALLOON_PFN_SHIFT : -1);
}

static int mv_counters_show(struct seq_file *m, void *v)
{
	unsigned int i;

	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	for (i = 0; i < MV_NR_COUNTERS; i++)
		mv_put(m, mv_counter_names[i], mv_read(i));
	mv_put(m, "balloon_held", mv.bheld);
	mv_put(m, "balloon_cap", mv.bcap);
	mv_put(m, "balloon_isolated", READ_ONCE(mv.bdev.b.isolated_pages));
	mv_put(m, "zs_objects", mv.zheld);
	mv_put(m, "zs_cap", mv.zcap);
	mv_put(m, "zs_pages", mv_zs_pool_pages());
	mv_put(m, "zs_size_classes", mv_zs_classes_held());
	mv_put(m, "zs_huge_class_size", mv_zs_huge_size());
	mv_put(m, "probes", mv.probes);
	mv_put(m, "balloon_migration", MV_HAVE_BALLOON_MIGRATION);
	mv_put(m, "zs_migration", MV_HAVE_ZS_MIGRATION);
	mv_put(m, "probe_cmm_migratepage_registered", mv.cmm_probe);
	mv_put(m, "probes_optimized", mv_probes_optimized());
	mv_put(m, "probes_keep_traps", MV_KPROBE_KEEP_TRAPS);
	mv_put(m, "ops_direct", MV_HAVE_DIRECT_OPS);
	mv_put(m, "set_movable_ops_present", MV_HAVE_SET_MOVABLE_OPS);
	mv_put(m, "set_movable_ops_checked", mv.smo_checked);
	mv_put(m, "set_movable_ops_bad", mv.smo_bad);
	mv_put(m, "set_movable_ops_offline_ret", mv.smo_offline_ret);
	mv_put(m, "set_movable_ops_zsmalloc_ret", mv.smo_zsmalloc_ret);
	mv_put(m, "set_movable_ops_other_ret", mv.smo_other_ret);
	mv_put(m, "snapshot_taken", mv.has_snapshot);
	mv_put(m, "moved_since_snapshot_balloon",
	       mv.has_snapshot ? mv_moved_since_snapshot_balloon() : 0);
	mv_put(m, "moved_since_snapshot_zs",
	       mv.has_snapshot ? mv_moved_since_snapshot_zs() : 0);
	mv_put_last(m);
	mv_put_vballoon(m);
	mv_put(m, "inject", READ_ONCE(mv.inject));
	mv_put(m, "compact_target_blocks", mv.ct_n);
	mv_put(m, "pageblock_pages", pageblock_nr_pages);
	mv_put(m, "memory_block_pages",
	       memory_block_size_bytes() >> PAGE_SHIFT);
	mutex_unlock(&mv.lock);
	return 0;
}

/* Room for ~100 lines without seq_file retrying the show. */
MV_RO_FOPS(counters, 8192);

/* Memory block ids holding our pages, sorted, one per line. */
static int mv_blocks_show(struct seq_file *m, void *v)
{
	unsigned long per_block = memory_block_size_bytes() >> PAGE_SHIFT;
	unsigned long *ids, n = 0, i, k;

	if (mutex_lock_interruptible(&mv.lock))
		return -EINTR;
	ids = kvcalloc(mv.bheld + 2 * (size_t)mv.zheld + 1, sizeof(*ids),
		       GFP_KERNEL);
	if (!ids) {
		mutex_unlock(&mv.lock);
		return -ENOMEM;
	}
	spin_lock(&mv.track_lock);
	for (i = 0; i < mv.bheld; i++)
		ids[n++] = mv.bpages[i]->t.pfn / per_block;
	spin_unlock(&mv.track_lock);
	mv_zs_refresh_pfns(false);
	for (i = 0; i < mv.zheld; i++)
		for (k = 0; k < 2; k++)
			if (mv.zobjs[i].pfn[k])
				ids[n++] = mv.zobjs[i].pfn[k] / per_block;
	mutex_unlock(&mv.lock);
	n = mv_sort_unique(ids, n);
	for (i = 0; i < n; i++)
		seq_printf(m, "%lu\n", ids[i]);
	kvfree(ids);
	return 0;
}

MV_RO_FOPS(blocks, PAGE_SIZE);

static const struct mv_file mv_status_files[] = {
	{ "counters", &mv_counters_fops },
	{ "blocks", &mv_blocks_fops },
};

void mv_status_init(struct dentry *dir)
{
	mv_debugfs_files(dir, mv_status_files, ARRAY_SIZE(mv_status_files));
}
